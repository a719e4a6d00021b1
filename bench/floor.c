/*
 * The floor svcscope's benchmark is measured against: one thread that reads every .py file
 * under a folder and parses it with tree-sitter-python (the grammar svcscope links), and does
 * nothing else. Folders named .git, node_modules and __pycache__ are not entered.
 *
 *     bench/floor DIR        prints: files=N bytes=N lines=N wall=S cpu=S
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <tree_sitter/api.h>

const TSLanguage *tree_sitter_python(void);

static size_t files, bytes, lines;
static TSParser *parser;

static void parse_file(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) return;
    struct stat st;
    if (fstat(fd, &st) < 0) {
        close(fd);
        return;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = malloc(cap);
    if (!buf) abort();
    for (;;) {
        ssize_t r = read(fd, buf + n, cap - n);
        if (r <= 0) break;
        n += (size_t)r;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            if (!buf) abort();
        }
    }
    close(fd);
    TSTree *tree = ts_parser_parse_string(parser, NULL, buf, (uint32_t)n);
    if (tree) ts_tree_delete(tree);
    files++;
    bytes += n;
    for (size_t i = 0; i < n; i++) lines += buf[i] == '\n';
    free(buf);
}

static void walk(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        if (!strcmp(name, ".") || !strcmp(name, "..") || !strcmp(name, ".git") || !strcmp(name, "node_modules") ||
            !strcmp(name, "__pycache__"))
            continue;
        size_t len = strlen(dir) + strlen(name) + 2;
        char *path = malloc(len);
        if (!path) abort();
        snprintf(path, len, "%s/%s", dir, name);
        struct stat st;
        if (lstat(path, &st) == 0) {
            if (S_ISDIR(st.st_mode)) walk(path);
            else if (S_ISREG(st.st_mode) && strlen(name) > 3 && !strcmp(name + strlen(name) - 3, ".py"))
                parse_file(path);
        }
        free(path);
    }
    closedir(d);
}

static double now(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: floor DIR\n");
        return 2;
    }
    parser = ts_parser_new();
    if (!ts_parser_set_language(parser, tree_sitter_python())) return 1;
    double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
    walk(argv[1]);
    double w1 = now(CLOCK_MONOTONIC), c1 = now(CLOCK_PROCESS_CPUTIME_ID);
    ts_parser_delete(parser);
    printf("files=%zu bytes=%zu lines=%zu wall=%.3f cpu=%.3f\n", files, bytes, lines, w1 - w0, c1 - c0);
    return 0;
}
