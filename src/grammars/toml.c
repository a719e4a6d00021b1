/* Compiles the pinned tree-sitter-toml grammar (from npm) into the core library. */
#include "parser.c"
#include "scanner.c"
