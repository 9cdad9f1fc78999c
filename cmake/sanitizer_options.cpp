// Linked into every executable of a KTO_SANITIZE build (collector, kto-sim, the test binaries), so
// the defaults hold for a process run by hand, by ctest, or spawned by an integration test, without
// any environment. ASAN_OPTIONS/UBSAN_OPTIONS/LSAN_OPTIONS still override them.
//
// Any finding (leaks included) ends the process with 86, a code none of our commands uses, so a
// test asserting an exit code cannot mistake a sanitizer report for an ordinary failure, and a
// report in a child process fails the test that spawned it.
extern "C" {

__attribute__((used, visibility("default"))) const char* __asan_default_options() {
  return "halt_on_error=1:abort_on_error=0:exitcode=86:detect_leaks=1:"
         "detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1";
}

__attribute__((used, visibility("default"))) const char* __ubsan_default_options() {
  return "halt_on_error=1:print_stacktrace=1:exitcode=86";
}

__attribute__((used, visibility("default"))) const char* __lsan_default_options() {
  return "exitcode=86";
}

}  // extern "C"
