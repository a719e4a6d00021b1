/*
 * What a model build did, on stderr, when the environment asks (SVCSCOPE_STATS, SVCSCOPE_DEBUG):
 * the core only records it in model->stats (options from env_model_options).
 */
#ifndef SVCSCOPE_ENV_BUILD_REPORT_H
#define SVCSCOPE_ENV_BUILD_REPORT_H

#include "svcscope/model.h"

/* Prints the pre-filter's rounds (SVCSCOPE_DEBUG), then the counts and phase timings
 * (SVCSCOPE_STATS); nothing when neither is set. */
void env_report_build(const svc_model *model);

#endif
