/* Compiles the pinned tree-sitter-python grammar (from npm) into the core library. */
#include "parser.c"
#include "scanner.c"
