#include <string.h>

#include "cli/cli.h"

int cli_repo_open(cli_repo *repo, const cli_repo_options *opts)
{
    memset(repo, 0, sizeof *repo);
    svc_config_init(&repo->config);
    svc_error err = SVC_ERROR_INIT;
    svc_source_options so = SVC_SOURCE_OPTIONS_INIT;
    so.kind = opts->kind;
    so.rev = opts->rev;
    const char *path = opts->path ? opts->path : ".";
    if (svc_source_open(&repo->source, path, &so, &err) < 0 ||
        svc_config_load(&repo->config, svc_source_root(repo->source), &err) < 0 ||
        svc_model_build(&repo->model, repo->source, &repo->config, NULL, &err) < 0) {
        cli_error("%s", err.message);
        cli_repo_close(repo);
        return EXIT_ERROR;
    }
    return EXIT_CLEAN;
}

void cli_repo_close(cli_repo *repo)
{
    svc_model_free(repo->model);
    svc_source_free(repo->source);
    svc_config_free(&repo->config);
    memset(repo, 0, sizeof *repo);
}
