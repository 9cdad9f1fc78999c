# One static library per module (kto_<name>), built from src/<name>/*.cpp, linked to the modules it
# names and to nothing else. The same declarations are written to kto_layers.txt, which
# scripts/check_layers.sh reads on every build: an #include of another module's header that the
# graph does not allow fails the build, even though every header sits under the one include/.
#
# kto_module(NAME [PUBLIC module...] [PRIVATE module...])
#   PUBLIC: modules its headers include (its users get them too); PRIVATE: used by its sources only.
#   A module may name only modules declared before it, so the graph has no cycle.
# kto_layer_exception(MODULE USES REASON)
#   A temporary edge that breaks the order above; it says why and is removed with its cause.

set(KTO_LAYERS_FILE ${PROJECT_BINARY_DIR}/kto_layers.txt)
set_property(GLOBAL PROPERTY KTO_MODULES "")
set_property(GLOBAL PROPERTY KTO_LAYERS_TEXT "")

function(kto_module name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "PUBLIC;PRIVATE")
  get_property(declared GLOBAL PROPERTY KTO_MODULES)
  set(line "${name}")
  foreach(kind PUBLIC PRIVATE)
    string(TOLOWER ${kind} lower)
    foreach(dep IN LISTS arg_${kind})
      if(NOT dep IN_LIST declared)
        message(FATAL_ERROR "kto_module(${name}): ${dep} is not declared before ${name} "
                            "(the module graph is declared bottom up and has no cycle)")
      endif()
      string(APPEND line " ${dep}:${lower}")
    endforeach()
  endforeach()
  file(GLOB sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${name}/*.cpp)
  add_library(kto_${name} STATIC ${sources})
  target_include_directories(kto_${name} PUBLIC ${PROJECT_SOURCE_DIR}/include)
  foreach(dep IN LISTS arg_PUBLIC)
    target_link_libraries(kto_${name} PUBLIC kto_${dep})
  endforeach()
  foreach(dep IN LISTS arg_PRIVATE)
    target_link_libraries(kto_${name} PRIVATE kto_${dep})
  endforeach()
  kto_set_warnings(kto_${name})
  add_dependencies(kto_${name} kto_layers)
  set_property(GLOBAL APPEND PROPERTY KTO_MODULES ${name})
  set_property(GLOBAL APPEND_STRING PROPERTY KTO_LAYERS_TEXT "${line}\n")
endfunction()

function(kto_layer_exception name dep reason)
  target_link_libraries(kto_${name} PUBLIC kto_${dep})
  set_property(GLOBAL APPEND_STRING PROPERTY KTO_LAYERS_TEXT "${name} ${dep}:exception\n")
  message(STATUS "module graph: temporary exception ${name} -> ${dep}: ${reason}")
endfunction()

# After the last declaration: the graph file (rewritten only when it changes) and the check.
function(kto_write_layers)
  get_property(text GLOBAL PROPERTY KTO_LAYERS_TEXT)
  file(CONFIGURE OUTPUT ${KTO_LAYERS_FILE} CONTENT
       "# Generated from the kto_module() declarations in CMakeLists.txt: module dep:kind...\n${text}")
endfunction()

# Runs on every build, before any module compiles (a custom target is never up to date).
add_custom_target(kto_layers
  COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/check_layers.sh ${KTO_LAYERS_FILE} ${PROJECT_SOURCE_DIR}
  COMMENT "module graph: checking the includes of every module"
  VERBATIM)
