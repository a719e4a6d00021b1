/* SVC900 unused-noqa and its fix, on fixture repositories made in the test. */
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "svcscope/fix.h"
#include "svcscope/util.h"

static const tl_file repo[] = {
    { "services/__init__.py", "" },
    { "services/billing/__init__.py", "" },
    { "services/billing/tests/__init__.py", "" },
    { "services/billing/invoices.py", "def charge():\n    pass\n" },
    { "orders/__init__.py", "" },
    { "orders/views.py",
      "from services.billing.invoices import charge  # noqa: SVC201\n"    /* 1 used */
      "from services.billing.invoices import charge as c  # noqa: SVC2\n" /* 2 used: family */
      "from services.billing import invoices  # noqa: SVC201\n"           /* 3 unused */
      "import os  # noqa: E501, SVC2, F401\n"                             /* 4 unused, others kept */
      "import sys  # noqa\n"                                              /* 5 bare: left alone */
      "import re  # noqa: E731\n"                                         /* 6 other linters only */
      "import json  # noqa: SVC201  # type: ignore\n"                     /* 7 a comment after */
      "# noqa: SVC3\n"                                                    /* 8 a line of its own */
      "x = 1  # NOQA:svc201,E731\n"                                       /* 9 any case */
      "from services.billing.invoices import charge as d  # noqa: SVC201, SVC999, SVC9\n" /* 10: SVC9 keeps it */
      "y = 2  # noqa: SVC900\n"                                          /* 11 SVC900 alone */
      "z = 3  # noqa: SVC201, SVC999\n" },                               /* 12 two unused */
    { NULL, NULL },
};

/* The file after applying the SVC900 fixes (edits in order, none overlapping). */
static char *fixed_text(const char *root, const svc_diagnostics *d)
{
    char *text = tl_read(root, "orders/views.py");
    for (size_t i = d->len; i-- > 0;) {
        const svc_fix *fix = d->items[i].fix;
        if (strcmp(d->items[i].rule->code, "SVC900") != 0) continue;
        assert_non_null(fix);
        assert_int_equal(fix->applicability, SVC_FIX_SAFE);
        for (size_t e = fix->nedits; e-- > 0;) {
            const svc_edit *ed = &fix->edits[e];
            svc_buf b = { 0 };
            svc_buf_append(&b, text, ed->start);
            svc_buf_puts(&b, ed->text);
            svc_buf_puts(&b, text + ed->end);
            free(text);
            text = svc_buf_detach(&b);
        }
    }
    return text;
}

static void test_unused_noqa(void **state)
{
    (void)state;
    char *root = tl_tempdir();
    tl_write_files(root, repo);
    tl_repo r;
    tl_repo_open(&r, root);
    svc_diagnostics *d = tl_check(r.model, "SVC9");
    assert_int_equal(tl_count(d, "SVC900", NULL, 0), 6);
    assert_int_equal(tl_count(d, "SVC900", "orders/views.py", 12), 1);
    assert_int_equal(tl_count(d, "SVC900", "orders/views.py", 1), 0);
    assert_int_equal(tl_count(d, "SVC900", "orders/views.py", 2), 0);
    assert_int_equal(tl_count(d, "SVC900", "orders/views.py", 3), 1);
    assert_int_equal(tl_count(d, "SVC900", "orders/views.py", 4), 1);
    assert_int_equal(tl_count(d, "SVC900", "orders/views.py", 5), 0);
    assert_int_equal(tl_count(d, "SVC900", "orders/views.py", 6), 0);
    assert_int_equal(tl_count(d, "SVC900", "orders/views.py", 7), 1);
    assert_int_equal(tl_count(d, "SVC900", "orders/views.py", 8), 1);
    assert_int_equal(tl_count(d, "SVC900", "orders/views.py", 9), 1);
    assert_int_equal(tl_count(d, "SVC900", "orders/views.py", 10), 0);
    assert_int_equal(tl_count(d, "SVC900", "orders/views.py", 11), 0); /* suppresses itself */
    for (size_t i = 0; i < d->len; i++) {
        const svc_diagnostic *x = &d->items[i];
        if (x->span.row == 2) { /* line 3 */
            assert_int_equal(x->span.col, 39); /* at the directive */
            assert_string_equal(x->message, "`# noqa` code `SVC201` suppresses no svcscope finding on this line");
        }
        if (x->span.row == 11)
            assert_string_equal(x->message,
                                "`# noqa` codes `SVC201`, `SVC999` suppress no svcscope finding on this line");
    }
    svc_diagnostics_compute_fixes(r.model, d);
    char *text = fixed_text(root, d);
    assert_string_equal(text, "from services.billing.invoices import charge  # noqa: SVC201\n"
                              "from services.billing.invoices import charge as c  # noqa: SVC2\n"
                              "from services.billing import invoices\n"
                              "import os  # noqa: E501, F401\n"
                              "import sys  # noqa\n"
                              "import re  # noqa: E731\n"
                              "import json  # type: ignore\n"
                              "x = 1  # NOQA:E731\n"
                              "from services.billing.invoices import charge as d  # noqa: SVC201, SVC999, SVC9\n"
                              "y = 2  # noqa: SVC900\n"
                              "z = 3\n");
    free(text);
    svc_diagnostics_free(d);

    /* the selection does not decide what a comment suppresses: SVC201 still counts with SVC9 only,
     * and with SVC201 ignored */
    d = tl_check(r.model, "SVC2");
    assert_int_equal(tl_count(d, "SVC201", NULL, 0), 0);
    svc_diagnostics_free(d);
    tl_repo_close(&r);

    /* per-file-ignores and ignore leave SVC900 where it was */
    tl_write(root, "pyproject.toml", "[tool.svcscope]\nignore = [\"SVC2\"]\n");
    tl_repo_open(&r, root);
    d = tl_check(r.model, NULL);
    assert_int_equal(tl_count(d, "SVC900", NULL, 0), 6);
    svc_diagnostics_free(d);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

/* The model's pre-filter parses a file only for a `noqa`: a file no other rule reads still gets
 * its unused codes reported. */
static void test_unused_noqa_in_a_file_no_rule_reads(void **state)
{
    (void)state;
    char *root = tl_tempdir();
    tl_write(root, "tools/script.py", "print(1)  # noqa: SVC402\n");
    tl_repo r;
    tl_repo_open(&r, root);
    svc_model_options mo = SVC_MODEL_OPTIONS_INIT;
    mo.check_only = true;
    svc_model *checked = NULL;
    svc_error err = SVC_ERROR_INIT;
    assert_int_equal(svc_model_build(&checked, r.source, &r.config, &mo, &err), 0);
    svc_diagnostics *d = tl_check(checked, "SVC900");
    assert_int_equal(tl_count(d, "SVC900", "tools/script.py", 1), 1);
    svc_diagnostics_free(d);
    svc_model_free(checked);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unused_noqa),
        cmocka_unit_test(test_unused_noqa_in_a_file_no_rule_reads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
