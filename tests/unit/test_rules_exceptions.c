/* The exception rules SVC301-SVC303 on fixture repositories made in the test. */
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "svcscope/util.h"

static const tl_file shop[] = {
    { "orders/__init__.py", "" },
    { "orders/models.py", "from django.db import models\n\nclass Order(models.Model):\n    pass\n" },
    { "services/__init__.py", "" },
    /* a base exception two modules away, re-exported by its service */
    { "services/common/__init__.py", "from .base import ServiceError\n" },
    { "services/common/base.py", "class ServiceError(Exception):\n    pass\n" },
    { "services/billing/__init__.py", "\"\"\"Billing.\"\"\"\nfrom .errors import PaymentError, DuplicateError\n" },
    { "services/billing/errors.py",
      "\"\"\"Errors of billing.\"\"\"\n"                     /* 1 */
      "from services.common.base import ServiceError\n"
      "\n"
      "__all__ = ['BillingError', 'PaymentError']\n"
      "\n"                                                  /* 5 */
      "class BillingError(ServiceError):\n"                 /* 6: 301 */
      "    pass\n"
      "\n"
      "class PaymentError(BillingError):\n"                 /* 9: at root */
      "    pass\n"
      "\n"
      "class DuplicateError(Exception):\n"                  /* 12: at root */
      "    pass\n"
      "\n"
      "Failed = PaymentError\n" },                          /* an alias keeps it exceptions-only */
    { "services/billing/refunds.py",
      "from . import errors\n"                              /* 1 */
      "\n"
      "class RefundError(errors.BillingError):\n"           /* 3: 301, chain through two modules */
      "    pass\n"
      "\n"                                                  /* 5 */
      "class _Internal(Exception):\n"                       /* 6: private */
      "    pass\n"
      "\n"
      "class Receipt:\n"                                    /* 9: not an exception */
      "    pass\n"
      "\n"
      "class DuplicateError(errors.BillingError):\n"        /* 12: 301, the root binds another one */
      "    pass\n"
      "\n"
      "def refund(order):\n"
      "    raise RefundError()\n" },
    { "services/billing/codes.py",
      "class CodeError(Exception):\n"                       /* 1: 301 */
      "    pass\n"
      "\n"
      "DEFAULT_CODE = 3\n" },                               /* a constant: not exceptions-only */
    { "services/billing/payments.py",
      "from . import errors\n"                              /* inside the service: no 302 */
      "\n"
      "def pay():\n"
      "    raise errors.PaymentError()\n" },                /* inside the service: no 303 */
    { "services/billing/tests/__init__.py", "" },
    { "services/billing/tests/test_refunds.py",
      "from services.billing import errors\n"              /* the service's own tests: inside */
      "\n"
      "class FakeError(Exception):\n"                       /* a test's exception: no 301 */
      "    pass\n"
      "\n"
      "def test_x():\n"
      "    try:\n"
      "        pass\n"
      "    except errors.PaymentError:\n"
      "        pass\n" },
    /* re-exported through a sub-package */
    { "services/shipping/__init__.py", "from .carriers import CarrierError\n\n__all__ = ['CarrierError']\n" },
    { "services/shipping/carriers/__init__.py", "from .errors import CarrierError\n" },
    { "services/shipping/carriers/errors.py", "class CarrierError(Exception):\n    pass\n" },
    { "services/shipping/rates.py", "class RateError(Exception):\n    pass\n" },   /* 1: 301, with __all__ */
    { "services/shipping/labels.py",
      "from services.billing import errors\n"              /* 1: 302, another service */
      "\n"
      "def label():\n"
      "    try:\n"
      "        pass\n"
      "    except errors.DuplicateError:\n"                /* 6: part of the 302 */
      "        raise errors.PaymentError()\n" },           /* 7: part of the 302 */
    { "orders/views.py",
      "from services.billing import errors\n"              /* 1: 302 */
      "from services.billing import refunds\n"             /* 2: not exceptions-only */
      "from services.billing import PaymentError\n"        /* 3: the right way */
      "import services.billing.errors as berr\n"           /* 4: 302 */
      "from services import billing\n"                     /* 5 */
      "import services.billing\n"                          /* 6 */
      "import services.billing as b\n"                     /* 7 */
      "from services.billing import codes\n"               /* 8: holds a constant too */
      "\n"
      "def pay(request):\n"                                 /* 10 */
      "    try:\n"
      "        refunds.refund(1)\n"
      "    except errors.PaymentError:\n"                   /* 13: part of the 302 on line 1 */
      "        pass\n"
      "    except PaymentError:\n"                          /* 15: fine */
      "        pass\n"
      "    except billing.PaymentError:\n"                  /* 17: 303 */
      "        pass\n"
      "    except services.billing.PaymentError:\n"         /* 19: 303 */
      "        pass\n"
      "    except b.PaymentError:\n"                        /* 21: 303 */
      "        pass\n"
      "    except (refunds.RefundError, ValueError):\n"     /* 23: 303, not at root */
      "        pass\n"
      "    except billing.PaymentError:  # noqa: SVC303\n"  /* 25: suppressed */
      "        pass\n"
      "    if isinstance(request, berr.BillingError):\n"    /* 27: part of the 302 on line 4 */
      "        raise billing.PaymentError('x')\n"           /* 28: 303 */
      "    if issubclass(type(request), codes.CodeError):\n" /* 29: 303 */
      "        raise ValueError(billing.PaymentError)\n" }, /* 30: an argument, not a raise: fine */
    { NULL, NULL },
};

typedef struct fixture {
    char *root;
    tl_repo repo;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    fx->root = tl_tempdir();
    tl_write_files(fx->root, shop);
    tl_repo_open(&fx->repo, fx->root);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    tl_repo_close(&fx->repo);
    tl_rmrf(fx->root);
    free(fx->root);
    free(fx);
    return 0;
}

static const svc_diagnostic *find(const svc_diagnostics *d, const char *code, const char *path, unsigned row)
{
    for (size_t i = 0; i < d->len; i++)
        if (strcmp(d->items[i].rule->code, code) == 0 && strcmp(d->items[i].path, path) == 0 &&
            d->items[i].span.row + 1 == row)
            return &d->items[i];
    tl_dump(d);
    fail_msg("no %s at %s:%u", code, path, row);
    return NULL;
}

static void test_exception_not_at_root(void **state)
{
    fixture *fx = *state;
    svc_diagnostics *d = tl_check(fx->repo.model, "SVC301");
    if (d->len != 5) tl_dump(d);
    assert_int_equal(d->len, 5);
    const svc_diagnostic *x = find(d, "SVC301", "services/billing/errors.py", 6);
    assert_int_equal(x->span.col, 6); /* the class name */
    assert_int_equal(x->severity, SVC_SEVERITY_ERROR);
    assert_non_null(strstr(x->message, "add `from .errors import BillingError` to services/billing/__init__.py"));
    x = find(d, "SVC301", "services/billing/refunds.py", 3); /* base chain through errors.py and common/base.py */
    assert_non_null(strstr(x->message, "add `from .refunds import RefundError` to services/billing/__init__.py"));
    x = find(d, "SVC301", "services/billing/refunds.py", 12);
    assert_non_null(strstr(x->message, "already binds `DuplicateError`"));
    find(d, "SVC301", "services/billing/codes.py", 1);
    x = find(d, "SVC301", "services/shipping/rates.py", 1);
    assert_non_null(
        strstr(x->message, "add `from .rates import RateError` to services/shipping/__init__.py (and to its `__all__`)"));
    /* at root, re-exported through a sub-package, private, not an exception, a test's: none */
    assert_int_equal(tl_count(d, "SVC301", "services/billing/errors.py", 9), 0);
    assert_int_equal(tl_count(d, "SVC301", "services/shipping/carriers/errors.py", 0), 0);
    assert_int_equal(tl_count(d, "SVC301", "services/common/base.py", 0), 0);
    assert_int_equal(tl_count(d, "SVC301", "services/billing/tests/test_refunds.py", 0), 0);
    svc_diagnostics_free(d);
}

static void test_exceptions_module_import(void **state)
{
    fixture *fx = *state;
    svc_diagnostics *d = tl_check(fx->repo.model, "SVC302");
    if (d->len != 3) tl_dump(d);
    assert_int_equal(d->len, 3);
    const svc_diagnostic *x = find(d, "SVC302", "orders/views.py", 1);
    assert_int_equal(x->span.col, 29); /* the imported name */
    assert_int_equal(x->severity, SVC_SEVERITY_WARNING);
    assert_non_null(strstr(x->message, "import `PaymentError` from `services.billing` and use it bare"));
    assert_null(strstr(x->message, "SVC301"));
    x = find(d, "SVC302", "orders/views.py", 4);
    assert_non_null(strstr(x->message, "import `BillingError` from `services.billing`"));
    assert_non_null(strstr(x->message, "export `BillingError` from services/billing/__init__.py first"));
    x = find(d, "SVC302", "services/shipping/labels.py", 1);
    assert_non_null(
        strstr(x->message, "import `DuplicateError`, `PaymentError` from `services.billing` and use them bare"));
    assert_null(strstr(x->message, "SVC301"));
    /* a module with functions, with a constant, the service root, inside the service: none */
    assert_int_equal(tl_count(d, "SVC302", "orders/views.py", 2), 0);
    assert_int_equal(tl_count(d, "SVC302", "orders/views.py", 8), 0);
    assert_int_equal(tl_count(d, "SVC302", "orders/views.py", 5), 0);
    assert_int_equal(tl_count(d, "SVC302", "services/billing/payments.py", 0), 0);
    assert_int_equal(tl_count(d, "SVC302", "services/billing/tests/test_refunds.py", 0), 0);
    svc_diagnostics_free(d);
}

static void test_qualified_exception(void **state)
{
    fixture *fx = *state;
    svc_diagnostics *d = tl_check(fx->repo.model, "SVC303");
    const char *v = "orders/views.py";
    if (d->len != 6) tl_dump(d);
    assert_int_equal(d->len, 6);
    const svc_diagnostic *x = find(d, "SVC303", v, 17);
    assert_int_equal(x->span.col, 11);
    assert_int_equal(x->severity, SVC_SEVERITY_WARNING);
    assert_non_null(strstr(x->message, "`billing.PaymentError`"));
    assert_non_null(strstr(x->message, "add `from services.billing import PaymentError` and use `PaymentError`"));
    find(d, "SVC303", v, 19);
    x = find(d, "SVC303", v, 21); /* import services.billing as b */
    assert_non_null(strstr(x->message, "`b.PaymentError`"));
    x = find(d, "SVC303", v, 23); /* through a module that holds more than exceptions */
    assert_non_null(strstr(x->message, "SVC301")); /* RefundError is not at the root yet */
    find(d, "SVC303", v, 28);
    find(d, "SVC303", v, 29);
    /* uses through an import that SVC302 reports belong to that finding */
    assert_int_equal(tl_count(d, "SVC303", v, 13), 0);
    assert_int_equal(tl_count(d, "SVC303", v, 27), 0);
    assert_int_equal(tl_count(d, "SVC303", "services/shipping/labels.py", 0), 0);
    assert_int_equal(tl_count(d, "SVC303", v, 15), 0); /* bare */
    assert_int_equal(tl_count(d, "SVC303", v, 25), 0); /* noqa */
    assert_int_equal(tl_count(d, "SVC303", v, 30), 0); /* an argument */
    assert_int_equal(tl_count(d, "SVC303", "services/billing/payments.py", 0), 0);
    assert_int_equal(tl_count(d, "SVC303", "services/billing/tests/test_refunds.py", 0), 0);
    svc_diagnostics_free(d);
}

static void test_migration_mode(void **state)
{
    (void)state;
    static const tl_file legacy[] = {
        { "orders/__init__.py", "" },
        { "orders/models.py", "from django.db import models\nclass Order(models.Model):\n    pass\n" },
        { "orders/errors.py", "class OrderError(Exception):\n    pass\n" },
        { "orders/views.py", "from orders import errors\n\ndef f(request):\n    raise errors.OrderError()\n" },
        { NULL, NULL },
    };
    char *root = tl_tempdir();
    tl_write_files(root, legacy);
    tl_repo r;
    tl_repo_open(&r, root);
    svc_diagnostics *d = tl_check(r.model, "SVC3");
    assert_int_equal(d->len, 0);
    svc_diagnostics_free(d);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_exception_not_at_root, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exceptions_module_import, setup, teardown),
        cmocka_unit_test_setup_teardown(test_qualified_exception, setup, teardown),
        cmocka_unit_test(test_migration_mode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
