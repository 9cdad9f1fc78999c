#include "kto/cli/app.hpp"

int main(int argc, char** argv) { return kto::cli::run(argc, argv); }
