/* The call attributes that queue a Celery task (see svcscope/celery.h). */
#include <string.h>

#include "svcscope/celery.h"

bool svc_attr_queues_task(const char *attr)
{
    return attr && (strcmp(attr, "delay") == 0 || strcmp(attr, "apply_async") == 0);
}
