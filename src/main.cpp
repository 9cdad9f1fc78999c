#include "kto/cli/app.hpp"

#include <cstdlib>  // defines __GLIBC__ on glibc

#ifdef __GLIBC__
#include <malloc.h>
#endif

int main(int argc, char** argv) {
#ifdef __GLIBC__
  // A run's first page buffers are freed and made again while it starts; glibc's default (dynamic)
  // mmap threshold would rise to the size of the first freed one, so later buffers would come
  // from the workers' heaps and their freed space stay in the process. Fixed thresholds: large
  // blocks are mapped on their own and given back when freed, heaps are trimmed sooner
  // (docs/performance.md, "The allocator").
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  mallopt(M_TRIM_THRESHOLD, 128 * 1024);
#endif
  return kto::cli::run(argc, argv);
}
