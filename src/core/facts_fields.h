/*
 * The fields of every facts structure (include/svcscope/facts.h), each listed once, in the order
 * the structure declares them, with what kind of value it holds. The facts cache's image code
 * (facts_image.c: the writer, the reader's checks and the relocation) is generated from these
 * lists, so a field is serialized, checked and moved because it is listed here, and nowhere else
 * has to name it. facts_image.c checks at compile time that each list lays out exactly as its
 * structure does: a field added to a structure and not here stops the build (unless it fits in
 * another field's padding: the cache's round-trip test compares every field). A change here
 * changes the cache's format: bump SVC_CACHE_VERSION.
 *
 * A list is a macro of one argument, `_`, applied to each field as `_(KIND, ...)`:
 *   VALUE(type, name)         a number, flag, enum or span: copied as it is
 *   INDEX(name, limit)        an int naming another item, -1 for none, else below `limit`: an
 *                             expression of `facts` (the svc_facts) and `i` (the item's index in
 *                             its array)
 *   STR(name)                 a string, or NULL
 *   NAME(name)                a string, never NULL
 *   STRS(name, count)         an array of `count` strings
 *   ARRAY(type, name, count)  an array of `count` structures of `type` (listed here too)
 *   UNSAVED(type, name)       a pointer an image does not keep: NULL there
 * An array's count is the field that follows it.
 *
 * SVC_FACTS_STRUCTS lists the structures themselves, each before those that hold it.
 */
#ifndef SVCSCOPE_FACTS_FIELDS_H
#define SVCSCOPE_FACTS_FIELDS_H

#include "svcscope/facts.h"

#define SVC_SPAN_FIELDS(_)                                                                                           \
    _(VALUE, uint32_t, row)                                                                                          \
    _(VALUE, uint32_t, col)                                                                                          \
    _(VALUE, uint32_t, end_row)                                                                                      \
    _(VALUE, uint32_t, end_col)                                                                                      \
    _(VALUE, uint32_t, byte)                                                                                         \
    _(VALUE, uint32_t, end_byte)

#define SVC_IMPORT_FIELDS(_)                                                                                         \
    _(VALUE, svc_import_kind, kind)                                                                                  \
    _(STR, module)                                                                                                   \
    _(STR, name)                                                                                                     \
    _(STR, alias)                                                                                                    \
    _(STR, bound)                                                                                                    \
    _(STR, target)                                                                                                   \
    _(VALUE, int, level)                                                                                             \
    _(VALUE, bool, unresolved)                                                                                       \
    _(INDEX, scope, facts->ndefs)                                                                                    \
    _(VALUE, svc_span, span)                                                                                         \
    _(VALUE, svc_span, stmt_span)                                                                                    \
    _(VALUE, uint32_t, stmt_names)

#define SVC_ARG_FIELDS(_)                                                                                            \
    _(STR, keyword)                                                                                                  \
    _(STR, text)                                                                                                     \
    _(STR, chain)                                                                                                    \
    _(VALUE, svc_span, span)

#define SVC_DECORATOR_FIELDS(_)                                                                                      \
    _(STR, raw)                                                                                                      \
    _(STR, callee)                                                                                                   \
    _(VALUE, bool, is_call)                                                                                          \
    _(ARRAY, svc_arg, args, nargs)                                                                                   \
    _(VALUE, svc_span, span)                                                                                         \
    _(VALUE, svc_span, args_span)

#define SVC_PARAM_FIELDS(_)                                                                                          \
    _(STR, name)                                                                                                     \
    _(VALUE, svc_param_kind, kind)                                                                                   \
    _(STR, default_text)                                                                                             \
    _(STR, annotation)

#define SVC_DEF_FIELDS(_)                                                                                            \
    _(VALUE, svc_def_kind, kind)                                                                                     \
    _(NAME, name)                                                                                                    \
    _(NAME, qualname)                                                                                                \
    _(INDEX, parent, i) /* parents precede children */                                                            \
    _(VALUE, bool, is_async)                                                                                         \
    _(ARRAY, svc_decorator, decorators, ndecorators)                                                                 \
    _(STRS, bases, nbases)                                                                                           \
    _(ARRAY, svc_param, params, nparams)                                                                             \
    _(VALUE, uint32_t, body_statements)                                                                              \
    _(VALUE, bool, has_docstring)                                                                                    \
    _(VALUE, bool, has_loop)                                                                                         \
    _(VALUE, bool, meta_abstract)                                                                                    \
    _(STR, name_value)                                                                                               \
    _(VALUE, bool, body_is_call)                                                                                     \
    _(VALUE, svc_span, span)                                                                                         \
    _(VALUE, svc_span, name_span)                                                                                    \
    _(VALUE, svc_span, body_span)                                                                                    \
    _(VALUE, uint32_t, indent)

#define SVC_REF_FIELDS(_)                                                                                            \
    _(STR, raw)                                                                                                      \
    _(STR, resolved)                                                                                                 \
    _(VALUE, svc_binding, binding)                                                                                   \
    _(INDEX, import_index, facts->nimports)                                                                          \
    _(INDEX, scope, facts->ndefs)                                                                                    \
    _(VALUE, unsigned, flags)                                                                                        \
    _(VALUE, svc_span, span)                                                                                         \
    _(VALUE, svc_span, head_span)

#define SVC_CALL_FIELDS(_)                                                                                           \
    _(INDEX, ref, facts->nrefs)                                                                                      \
    _(STR, attr)                                                                                                     \
    _(STR, callee_text)                                                                                              \
    _(INDEX, scope, facts->ndefs)                                                                                    \
    _(ARRAY, svc_arg, args, nargs)                                                                                   \
    _(VALUE, svc_span, span)                                                                                         \
    _(VALUE, svc_span, callee_span)                                                                                  \
    _(VALUE, svc_span, args_span)

#define SVC_ASSIGN_FIELDS(_)                                                                                         \
    _(STR, name)                                                                                                     \
    _(STR, value_chain)                                                                                              \
    _(STRS, strings, nstrings)                                                                                       \
    _(VALUE, svc_span, span)                                                                                         \
    _(INDEX, value_call, facts->ncalls)

#define SVC_NOQA_FIELDS(_)                                                                                           \
    _(VALUE, uint32_t, row)                                                                                          \
    _(VALUE, bool, all)                                                                                              \
    _(STRS, codes, ncodes)                                                                                           \
    _(VALUE, svc_span, span)

#define SVC_SCHEDULE_ENTRY_FIELDS(_)                                                                                 \
    _(STR, name)                                                                                                     \
    _(STR, task)                                                                                                     \
    _(STR, task_text)                                                                                                \
    _(INDEX, scope, facts->ndefs)                                                                                    \
    _(VALUE, svc_span, span)

#define SVC_WITH_ITEM_FIELDS(_)                                                                                      \
    _(INDEX, scope, facts->ndefs)                                                                                    \
    _(VALUE, svc_span, value)                                                                                        \
    _(VALUE, svc_span, body)

#define SVC_LOCAL_ASSIGN_FIELDS(_)                                                                                   \
    _(INDEX, scope, facts->ndefs)                                                                                    \
    _(STR, name)                                                                                                     \
    _(STR, value_text)                                                                                               \
    _(INDEX, value_call, facts->ncalls)                                                                              \
    _(VALUE, bool, first_item)                                                                                       \
    _(VALUE, svc_span, span)

#define SVC_FACTS_FIELDS(_)                                                                                          \
    _(STR, path)                                                                                                     \
    _(STR, module)                                                                                                   \
    _(VALUE, bool, is_package)                                                                                       \
    _(VALUE, bool, has_bom)                                                                                          \
    _(VALUE, bool, crlf)                                                                                             \
    _(VALUE, bool, binary)                                                                                           \
    _(VALUE, uint32_t, lines)                                                                                        \
    _(ARRAY, svc_import, imports, nimports)                                                                          \
    _(ARRAY, svc_def, defs, ndefs)                                                                                   \
    _(ARRAY, svc_ref, refs, nrefs)                                                                                   \
    _(ARRAY, svc_call, calls, ncalls)                                                                                \
    _(ARRAY, svc_assign, assigns, nassigns)                                                                          \
    _(STRS, all, nall)                                                                                               \
    _(VALUE, bool, has_all)                                                                                          \
    _(STRS, class_apps, nclass_apps)                                                                                 \
    _(ARRAY, svc_noqa, noqa, nnoqa)                                                                                  \
    _(ARRAY, svc_span, errors, nerrors)                                                                              \
    _(ARRAY, svc_schedule_entry, schedule, nschedule)                                                                \
    _(ARRAY, svc_with_item, with_items, nwith_items)                                                                 \
    _(ARRAY, svc_local_assign, local_assigns, nlocal_assigns)                                                        \
    _(STRS, celery_imports, ncelery_imports)                                                                         \
    _(UNSAVED, struct svc_arena, arena)

/* Each structure with its list, a structure before those that hold it (the cache's layout
 * stamp takes their sizes in this order). */
#define SVC_FACTS_STRUCTS(_)                                                                                         \
    _(svc_span, SVC_SPAN_FIELDS)                                                                                     \
    _(svc_import, SVC_IMPORT_FIELDS)                                                                                 \
    _(svc_arg, SVC_ARG_FIELDS)                                                                                       \
    _(svc_decorator, SVC_DECORATOR_FIELDS)                                                                           \
    _(svc_param, SVC_PARAM_FIELDS)                                                                                   \
    _(svc_def, SVC_DEF_FIELDS)                                                                                       \
    _(svc_ref, SVC_REF_FIELDS)                                                                                       \
    _(svc_call, SVC_CALL_FIELDS)                                                                                     \
    _(svc_assign, SVC_ASSIGN_FIELDS)                                                                                 \
    _(svc_noqa, SVC_NOQA_FIELDS)                                                                                     \
    _(svc_schedule_entry, SVC_SCHEDULE_ENTRY_FIELDS)                                                                 \
    _(svc_with_item, SVC_WITH_ITEM_FIELDS)                                                                           \
    _(svc_local_assign, SVC_LOCAL_ASSIGN_FIELDS)                                                                     \
    _(svc_facts, SVC_FACTS_FIELDS)

#endif
