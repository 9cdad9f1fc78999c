if(KTO_SANITIZE)
  # Same flags on compile and link for every target (lib, collector, kto-sim, tests, bench); UB is
  # fatal so a finding fails the test that triggered it instead of scrolling by.
  set(KTO_SANITIZER_FLAGS
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_compile_options(${KTO_SANITIZER_FLAGS})
  add_link_options(${KTO_SANITIZER_FLAGS})
  # The runtime's default options (exit code 86 on any finding), in every executable defined after
  # this: an object library is linked whole, where a static one would drop the unreferenced hooks.
  add_library(kto_sanitizer_options OBJECT ${CMAKE_CURRENT_LIST_DIR}/sanitizer_options.cpp)
  link_libraries(kto_sanitizer_options)
endif()
