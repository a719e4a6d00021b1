/*
 * Parsing a file for extraction. The pinned tree-sitter-python cannot read some valid Python;
 * when a file has an error, it is parsed again from a rewritten copy (reparse_rewritten), and
 * that tree is used when it has none.
 */
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

#include "core/facts_internal.h"

/* Blanks a comment-only line from `p` (its first non-blank byte) to `end`; true when it was one. */
static bool blank_comment_line(char *copy, uint32_t p, uint32_t end)
{
    if (copy[p] != '#') return false;
    for (uint32_t k = p; k < end; k++)
        if (copy[k] != '\r') copy[k] = ' ';
    return true;
}

/* `except A, B, C:` (PEP 758, three names or more; two read as Python 2's `except A, target:`,
 * which the walker already takes for two types): its commas become `|`, which the grammar reads
 * as one expression of the same length. True when the line from `p` to `end` was one. */
static bool rewrite_pep758_except(char *copy, uint32_t p, uint32_t end)
{
    if (end - p < 7 || memcmp(copy + p, "except", 6) != 0 || (copy[p + 6] != ' ' && copy[p + 6] != '\t')) return false;
    uint32_t commas[64], ncommas = 0;
    for (uint32_t k = p + 6;;) {
        while (k < end && (copy[k] == ' ' || copy[k] == '\t')) k++;
        uint32_t name = k; /* a dotted name */
        while (k < end && (svc_ident_byte((unsigned char)copy[k]) || (k > name && copy[k] == '.'))) k++;
        if (k == name || (copy[name] >= '0' && copy[name] <= '9')) return false;
        while (k < end && (copy[k] == ' ' || copy[k] == '\t')) k++;
        if (k < end && copy[k] == ':') break;
        if (k >= end || copy[k] != ',' || ncommas == sizeof commas / sizeof *commas) return false;
        commas[ncommas++] = k++;
    }
    if (ncommas < 2) return false;
    for (uint32_t c = 0; c < ncommas; c++) copy[commas[c]] = '|';
    return true;
}

/*
 * When a file has an error, it is parsed again from a copy with the same length (so every
 * offset holds) in which valid Python that the pinned grammar cannot read is rewritten:
 *  - tree-sitter-python's scanner takes a comment line indented less than its block (a comment
 *    at column 0 between a decorator and its `def`, say) for the end of the block: comment-only
 *    lines are blanked;
 *  - Python 3.14's `except A, B, C:` (PEP 758) does not parse: see rewrite_pep758_except.
 * If the copy parses without error, its tree is used. Texts are still read from the real bytes,
 * so nothing but those comments' nodes and the except clauses' commas differs.
 */
static TSTree *reparse_rewritten(TSParser *parser, const char *src, uint32_t src_len, TSTree *tree)
{
    char *copy = malloc(src_len ? src_len : 1);
    if (!copy) return tree;
    memcpy(copy, src, src_len);
    bool any = false;
    for (uint32_t at = 0; at < src_len;) {
        uint32_t p = at;
        while (p < src_len && (copy[p] == ' ' || copy[p] == '\t' || copy[p] == '\f')) p++;
        uint32_t end = p;
        while (end < src_len && copy[end] != '\n') end++;
        if (p < src_len) any |= blank_comment_line(copy, p, end) || rewrite_pep758_except(copy, p, end);
        at = end + 1;
    }
    TSTree *again = any ? ts_parser_parse_string(parser, NULL, copy, src_len) : NULL;
    free(copy);
    if (again && !ts_node_has_error(ts_tree_root_node(again))) {
        ts_tree_delete(tree);
        return again;
    }
    if (again) ts_tree_delete(again);
    return tree;
}

TSTree *facts_parse(TSParser *parser, const char *src, uint32_t len)
{
    TSTree *tree = ts_parser_parse_string(parser, NULL, src, len);
    if (tree && ts_node_has_error(ts_tree_root_node(tree))) tree = reparse_rewritten(parser, src, len, tree);
    return tree;
}
