#!/usr/bin/env python3
"""Writes a deterministic synthetic Django + Celery project for svcscope's benchmark.

    bench/generate.py OUT_DIR [--scale S] [--seed N] [--no-git]

At scale 1 the project has about 4,000 Python files and 850,000 lines, in the proportions of a
real backend: Django apps (models, views, serializers, admin, urls, forms, signals, a helpers
module now and then, migrations, management commands, tests), a `services` package (services
with modules, errors and tests; a `tasks` service of `*_tasks.py` modules with `delay_`
wrappers), a settings package and a Celery app, and a large share of ordinary code that never
touches services or tasks (a `libs` package of utilities, migrations, tests, scripts).
Wrappers are called from views and signals, and a sprinkle of violations of every rule family
is planted. Line counts per file vary between about 50 and 600.

The same (scale, seed) always writes the same bytes. Unless --no-git, OUT_DIR becomes a git
repository with one commit (svcscope's cache keys tracked files by blob id). Python 3 stdlib only.
"""
import argparse
import os
import random
import shutil
import subprocess
import sys

WORDS = (
    "account address amount balance basket batch billing budget cart catalog channel charge "
    "checkout coupon credit customer delivery discount document entry estimate event export "
    "feature feed fulfilment gift inventory invoice item journal ledger license list "
    "loyalty member merchant message note offer order package parcel partner payment payout "
    "plan policy price product profile promotion quote rate receipt record refund region "
    "report request reservation reward route schedule seller session shipment "
    "shop slot stock store subscription supplier tariff tax ticket token transfer trip unit "
    "user vendor voucher wallet warehouse"
).split()

VERBS = "build check compute convert fetch filter format load merge normalize parse prepare " \
        "render resolve sanitize split summarize validate".split()


def camel(name):
    return "".join(part.capitalize() for part in name.split("_"))


class Project:
    def __init__(self, root, scale, seed):
        self.root = root
        self.rng = random.Random(seed)
        self.scale = scale
        self.files = 0
        self.lines = 0
        n = lambda base, low: max(low, int(round(base * scale)))
        self.napps = n(50, 2)
        self.nservices = n(30, 2)
        self.nlibs = n(28, 1)
        names = list(WORDS)
        self.rng.shuffle(names)
        pool = iter(names * 64)
        used = set()

        def fresh(suffix=""):
            while True:
                base = next(pool)
                cand = base + suffix
                k = 2
                while cand in used:
                    cand = "%s%d%s" % (base, k, suffix)
                    k += 1
                used.add(cand)
                return cand

        self.apps = [fresh("s") for _ in range(self.napps)]
        self.services = [fresh("_svc") if i % 3 == 0 else fresh() for i in range(self.nservices)]
        self.libs = [fresh("_lib") for _ in range(self.nlibs)]
        # what each service exposes, filled while writing services
        self.service_funcs = {}
        self.service_errors = {}
        # (module, wrapper, nparams) of every delay_ wrapper of the tasks service
        self.wrappers = []
        self.models = {}

    # ---- writing --------------------------------------------------------------------------
    def write(self, rel, text):
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        if rel.endswith(".py"):
            self.files += 1
            self.lines += text.count("\n")

    def target_lines(self, low=50, high=600, mode=None):
        if mode is None:
            mode = (low + high) / 3
        return int(self.rng.triangular(low, high, mode))

    def pad(self, chunks, target, filler):
        """Appends filler() blocks until the text has about `target` lines."""
        text = "".join(chunks)
        i = 0
        while text.count("\n") < target:
            text += filler(i)
            i += 1
        return text

    # ---- generic code blocks (no services, no tasks) --------------------------------------
    def helper_function(self, i, prefix=""):
        rng = self.rng
        verb, noun = rng.choice(VERBS), rng.choice(WORDS)
        name = "%s%s_%s_%d" % (prefix, verb, noun, i)
        arg = rng.choice(["value", "items", "payload", "rows", "text", "data"])
        body = [
            'def %s(%s, *, strict=False, limit=%d):\n' % (name, arg, rng.randint(5, 500)),
            '    """%s the %s %s and return the result.\n\n' % (verb.capitalize(), noun, arg),
            '    Raises ValueError when strict and the input is empty.\n    """\n',
            '    if not %s:\n        if strict:\n            raise ValueError("empty %s")\n        return None\n' % (arg, noun),
            '    result = []\n',
            '    for index, entry in enumerate(%s):\n' % arg,
            '        if index >= limit:\n            break\n',
            '        key = str(entry).strip().lower()\n',
            '        if key.startswith("#") or not key:\n            continue\n',
            '        result.append((index, key, len(key) %% %d))\n' % rng.randint(3, 17),
        ]
        for k in range(rng.randint(0, 6)):
            body.append('    result = [r for r in result if r[2] != %d]\n' % k)
        body.append('    return sorted(result, key=lambda r: (r[2], r[1]))\n\n\n')
        return "".join(body)

    def plain_class(self, i):
        rng = self.rng
        noun = camel(rng.choice(WORDS))
        name = "%s%s%d" % (noun, rng.choice(["Parser", "Builder", "Formatter", "Cache", "Index"]), i)
        out = ['class %s:\n' % name, '    """A small %s helper kept in memory."""\n\n' % noun.lower(),
               '    def __init__(self, size=%d):\n' % rng.randint(8, 1024),
               '        self.size = size\n        self._items = {}\n        self._hits = 0\n\n',
               '    def get(self, key, default=None):\n',
               '        if key in self._items:\n            self._hits += 1\n            return self._items[key]\n',
               '        return default\n\n',
               '    def put(self, key, value):\n',
               '        if len(self._items) >= self.size:\n',
               '            oldest = next(iter(self._items))\n            self._items.pop(oldest)\n',
               '        self._items[key] = value\n\n']
        for k in range(rng.randint(1, 4)):
            out.append('    def %s_%d(self, *keys):\n' % (rng.choice(VERBS), k))
            out.append('        return {k: self.get(k) for k in keys if k is not None}\n\n')
        out.append('\n')
        return "".join(out)

    # ---- libs: ordinary code ---------------------------------------------------------------
    def write_libs(self):
        for lib in self.libs:
            self.write("libs/%s/__init__.py" % lib, '"""%s utilities."""\n' % lib)
            for m in range(self.rng.randint(28, 44)):
                mod = "%s_%d" % (self.rng.choice(VERBS + ["text", "dates", "money", "io", "csv"]), m)
                target = self.target_lines(50, 600, 240)
                head = ['"""Helpers: %s."""\n' % mod.replace("_", " "),
                        'import datetime\nimport decimal\nimport re\n'
                        'from collections import OrderedDict, defaultdict\n\n',
                        'PATTERN = re.compile(r"[A-Za-z0-9_]+")\n\n\n']
                text = self.pad(head, target,
                                lambda i: self.plain_class(i) if i % 4 == 3 else self.helper_function(i))
                self.write("libs/%s/%s.py" % (lib, mod), text)
            # the lib's tests
            for t in range(self.rng.randint(5, 11)):
                target = self.target_lines(50, 400, 120)
                head = ['import pytest\n\nfrom libs.%s import *  # noqa: F401,F403\n\n\n' % lib]
                text = self.pad(head, target, lambda i: self.test_function(i, "lib"))
                self.write("libs/%s/tests/test_%s_%d.py" % (lib, lib, t), text)
            self.write("libs/%s/tests/__init__.py" % lib, "")
        self.write("libs/__init__.py", "")
        # a handful of scripts, not importable (dashes in names)
        for s in range(max(1, int(6 * self.scale))):
            target = self.target_lines(50, 200, 80)
            head = ['#!/usr/bin/env python3\n"""One-off maintenance script %d."""\nimport sys\n\n\n' % s]
            text = self.pad(head, target, self.helper_function)
            text += 'if __name__ == "__main__":\n    sys.exit(0)\n'
            self.write("scripts/run-job-%d.py" % s, text)

    def test_function(self, i, what):
        rng = self.rng
        return ('def test_%s_%s_%d():\n' % (what, rng.choice(VERBS), i)
                + '    values = [%s]\n' % ", ".join(str(rng.randint(0, 99)) for _ in range(rng.randint(2, 6)))
                + '    assert sorted(values) == sorted(values, reverse=True)[::-1]\n'
                + '    assert len(values) >= %d\n\n\n' % 1)

    # ---- settings, celery app, project urls ------------------------------------------------
    def write_project(self):
        apps = "".join('    "%s.apps.%sConfig",\n' % (a, camel(a)) for a in self.apps)
        settings = ('"""Base settings."""\nfrom pathlib import Path\n\n'
                    'BASE_DIR = Path(__file__).resolve().parent.parent.parent\n'
                    'SECRET_KEY = "not-secret"\nDEBUG = False\n\n'
                    'DJANGO_APPS = [\n    "django.contrib.admin",\n    "django.contrib.auth",\n'
                    '    "django.contrib.contenttypes",\n    "rest_framework",\n]\n\n'
                    'LOCAL_APPS = [\n' + apps + ']\n\n'
                    'INSTALLED_APPS = DJANGO_APPS + LOCAL_APPS\n\n'
                    'CELERY_BROKER_URL = "redis://localhost:6379/0"\n'
                    'CELERY_TASK_ALWAYS_EAGER = False\n')
        settings = self.pad([settings], 120, lambda i: '%s_TIMEOUT_%d = %d\n' % (
            self.rng.choice(WORDS).upper(), i, self.rng.randint(1, 600)))
        self.write("config/__init__.py", 'from .celery import app as celery_app\n\n__all__ = ["celery_app"]\n')
        self.write("config/settings/__init__.py", "")
        self.write("config/settings/base.py", settings)
        self.write("config/settings/dev.py", "from .base import *  # noqa: F401,F403\n\nDEBUG = True\n")
        self.write("config/settings/prod.py", "from .base import *  # noqa: F401,F403\n\nDEBUG = False\n")
        self.write("config/celery.py",
                   'import os\n\nfrom celery import Celery\n\n'
                   'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")\n\n'
                   'app = Celery("config")\napp.config_from_object("django.conf:settings", namespace="CELERY")\n'
                   'app.autodiscover_tasks()\n')
        urls = "".join('    path("%s/", include("%s.urls")),\n' % (a, a) for a in self.apps)
        self.write("config/urls.py", 'from django.urls import include, path\n\nurlpatterns = [\n' + urls + ']\n')
        self.write("config/wsgi.py", 'from django.core.wsgi import get_wsgi_application\n\n'
                                     'application = get_wsgi_application()\n')
        self.write("manage.py", '#!/usr/bin/env python\nimport os\nimport sys\n\n\ndef main():\n'
                                '    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")\n'
                                '    from django.core.management import execute_from_command_line\n\n'
                                '    execute_from_command_line(sys.argv)\n\n\n'
                                'if __name__ == "__main__":\n    main()\n')
        self.write("pyproject.toml", '[project]\nname = "synthetic-shop"\nversion = "0.0.0"\n\n'
                                     '[tool.svcscope]\nmax-task-statements = 3\n')

    # ---- services --------------------------------------------------------------------------
    def service_function(self, svc, i, models):
        rng = self.rng
        verb, noun = rng.choice(VERBS), rng.choice(WORDS)
        name = "%s_%s_%d" % (verb, noun, i)
        self.service_funcs.setdefault(svc, []).append(name)
        app, model = rng.choice(models)
        err = rng.choice(self.service_errors[svc])
        text = ('def %s(%s_id, *, user=None, dry_run=False):\n' % (name, noun)
                + '    """%s the %s: the business rule lives here."""\n' % (verb.capitalize(), noun)
                + '    instance = %s.objects.select_for_update().get(pk=%s_id)\n' % (model, noun)
                + '    if instance.status not in ("new", "pending"):\n'
                + '        raise %s(f"{instance} cannot be processed")\n' % err
                + '    amount = _money(instance.total) * Decimal("%d.%02d")\n' % (rng.randint(0, 2), rng.randint(0, 99))
                + '    if dry_run:\n        return amount\n'
                + '    with transaction.atomic():\n'
                + '        instance.total = amount\n'
                + '        instance.status = "done"\n'
                + '        instance.save(update_fields=["total", "status"])\n')
        for k in range(rng.randint(0, 5)):
            text += '        %s.objects.filter(pk=%s_id).update(notes="step %d")\n' % (model, noun, k)
        text += '    return amount\n\n\n'
        return text

    def write_services(self):
        models = [(a, m) for a in self.apps for m in self.models[a]]
        self.write("services/__init__.py", "")
        plain = [s for s in self.services]
        for si, svc in enumerate(plain):
            base = "services/%s" % svc
            errors = ["%sError" % camel(svc), "%sNotFound" % camel(svc), "%sConflict" % camel(svc)]
            self.service_errors[svc] = errors
            self.write(base + "/errors.py",
                       '"""Errors of the %s service."""\n\n\nclass %s(Exception):\n    pass\n\n\n'
                       'class %s(%s):\n    pass\n\n\nclass %s(%s):\n    pass\n'
                       % (svc, errors[0], errors[1], errors[0], errors[2], errors[0]))
            modules = []
            for m in range(self.rng.randint(3, 7)):
                mod = "%s_%d" % (self.rng.choice(WORDS), m)
                modules.append(mod)
                used_models = self.rng.sample(models, min(3, len(models)))
                head = ['"""The %s part of the %s service."""\n' % (mod, svc),
                        'from decimal import Decimal\n\nfrom django.db import transaction\n\n']
                for app, model in sorted(set(used_models)):
                    head.append('from %s.models import %s\n' % (app, model))
                head.append('\nfrom .errors import %s\n\n\n' % ", ".join(errors))
                head.append('def _money(value):\n    return Decimal(value or 0).quantize(Decimal("0.01"))\n\n\n')
                target = self.target_lines(60, 500, 200)
                text = self.pad(head, target, lambda i: self.service_function(svc, i, used_models)
                                if i % 3 else self.helper_function(i, "_"))
                self.write("%s/%s.py" % (base, mod), text)
            # the root re-exports the errors and the modules (a few services forget one error: SVC301)
            exported = errors if si % 9 else errors[:2]
            init = ['"""The %s service."""\n' % svc,
                    'from . import %s\n' % ", ".join(modules),
                    'from .errors import %s\n' % ", ".join(exported)]
            self.write(base + "/__init__.py", "".join(init))
            # tests (one service in twelve has none: SVC106)
            if si % 12 != 5:
                self.write(base + "/tests/__init__.py", "")
                for t in range(self.rng.randint(2, 5)):
                    target = self.target_lines(50, 300, 100)
                    head = ['import pytest\n\nfrom services.%s import %s\n\n\n' % (svc, modules[0])]
                    self.write("%s/tests/test_%s_%d.py" % (base, modules[0], t),
                               self.pad(head, target, lambda i: self.test_function(i, svc)))
            if si % 10 == 7:  # a test module outside the tests folder: SVC103
                self.write("%s/test_%s.py" % (base, modules[-1]),
                           "def test_smoke():\n    assert True\n")
            if si % 8 == 3:  # a deep sub-package (imports of it from outside are SVC201/SVC202)
                self.write(base + "/backends/__init__.py", "")
                self.write(base + "/backends/remote.py",
                           'def connect(url):\n    return url\n\n\ndef fetch_remote(url, key):\n    return (url, key)\n')
        # a module directly in the services root: SVC102
        self.write("services/helpers.py", "def now_utc():\n    import datetime\n\n"
                                          "    return datetime.datetime.utcnow()\n")

    def write_tasks_service(self):
        self.write("services/tasks/__init__.py", "")
        self.write("services/tasks/tests/__init__.py", "")
        for si, svc in enumerate(self.services):
            funcs = self.service_funcs.get(svc, [])
            if not funcs:
                continue
            mod = "%s_tasks" % svc
            out = ['"""Tasks of the %s service: each hands off to it."""\n' % svc,
                   'from celery import shared_task\n\nfrom services import %s\n\n\n' % svc]
            chosen = self.rng.sample(funcs, min(len(funcs), self.rng.randint(3, 9)))
            for k, fn in enumerate(chosen):
                module = self.rng.choice([m for m in self.service_module_names(svc)])
                task = "_%s" % fn
                if k == 4 and si % 4 == 1:
                    # a public task (SVC403) whose wrapper is not named delay_ (SVC405)
                    out.append('@shared_task(bind=True, max_retries=3)\ndef %s(self, obj_id):\n'
                               '    %s.%s.%s(obj_id)\n\n\n' % (fn, svc, module, fn))
                    out.append('def schedule_%s(obj_id):\n    return %s.delay(obj_id)\n\n\n' % (fn, fn))
                    continue
                if k == 5 and si % 5 == 2:
                    # a task without a wrapper, with logic in it (SVC404, SVC407)
                    out.append('@shared_task\ndef %s(obj_ids):\n    for obj_id in obj_ids:\n'
                               '        %s.%s.%s(obj_id)\n\n\n' % (task, svc, module, fn))
                    continue
                out.append('@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True)\n'
                           'def %s(obj_id):\n    %s.%s.%s(obj_id)\n\n\n' % (task, svc, module, fn))
                out.append('def delay_%s(obj_id):\n    return %s.delay(obj_id)\n\n\n' % (fn, task))
                self.wrappers.append((mod, "delay_%s" % fn))
            self.write("services/tasks/%s.py" % mod, "".join(out))
        # a module of the tasks service that is not *_tasks.py: SVC406
        self.write("services/tasks/beat.py", 'SCHEDULE = {"every-minute": 60}\n')

    def service_module_names(self, svc):
        base = os.path.join(self.root, "services", svc)
        return sorted(f[:-3] for f in os.listdir(base)
                      if f.endswith(".py") and f not in ("__init__.py", "errors.py") and not f.startswith("test_"))

    # ---- apps ------------------------------------------------------------------------------
    def model_class(self, app, name, with_save):
        rng = self.rng
        fields = []
        for k in range(rng.randint(3, 9)):
            kind = rng.choice(["CharField(max_length=%d)" % rng.randint(20, 255), "IntegerField(default=0)",
                               "DecimalField(max_digits=10, decimal_places=2, default=0)",
                               "BooleanField(default=False)", "DateTimeField(null=True, blank=True)",
                               "TextField(blank=True)"])
            fields.append('    %s_%d = models.%s\n' % (rng.choice(WORDS), k, kind))
        text = ('class %s(models.Model):\n    """A %s of the %s app."""\n\n' % (name, name.lower(), app)
                + '    status = models.CharField(max_length=20, default="new")\n'
                + '    total = models.DecimalField(max_digits=10, decimal_places=2, default=0)\n'
                + '    notes = models.TextField(blank=True)\n'
                + '    owner = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="+")\n'
                + "".join(fields)
                + '    created_at = models.DateTimeField(auto_now_add=True)\n\n'
                + '    class Meta:\n        ordering = ["-created_at"]\n\n'
                + '    def __str__(self):\n        return f"%s {self.pk}"\n\n' % name
                + '    @property\n    def is_open(self):\n        return self.status in {"new", "pending"}\n\n')
        if with_save:
            text += ('    def save(self, *args, **kwargs):\n        self.notes = (self.notes or "").strip()\n'
                     '        super().save(*args, **kwargs)\n\n')
        return text + '\n'

    def write_app(self, ai, app):
        rng = self.rng
        base = app
        label = camel(app)
        models = self.models[app]
        self.write(base + "/__init__.py", "")
        self.write(base + "/apps.py", 'from django.apps import AppConfig\n\n\nclass %sConfig(AppConfig):\n'
                                      '    name = "%s"\n' % (label, app))
        text = '"""Models of the %s app."""\nfrom django.db import models\n\n\n' % app
        text += "".join(self.model_class(app, m, rng.random() < 0.25) for m in models)
        self.write(base + "/models.py", text)

        admin = ['from django.contrib import admin\n\nfrom .models import %s\n\n\n' % ", ".join(models)]
        for m in models:
            admin.append('@admin.register(%s)\nclass %sAdmin(admin.ModelAdmin):\n'
                         '    list_display = ("id", "status", "total", "created_at")\n'
                         '    list_filter = ("status",)\n    search_fields = ("notes",)\n'
                         '    readonly_fields = ("created_at",)\n\n\n' % (m, m))
        self.write(base + "/admin.py", "".join(admin))

        ser = ['from rest_framework import serializers\n\nfrom .models import %s\n\n\n' % ", ".join(models)]
        for m in models:
            ser.append('class %sSerializer(serializers.ModelSerializer):\n    class Meta:\n'
                       '        model = %s\n        fields = ["id", "status", "total", "notes", "created_at"]\n'
                       '        read_only_fields = ["created_at"]\n\n'
                       '    def validate_total(self, value):\n        if value < 0:\n'
                       '            raise serializers.ValidationError("negative total")\n        return value\n\n\n'
                       % (m, m))
        self.write(base + "/serializers.py", "".join(ser))

        # views call services and the tasks service's wrappers
        svc = self.services[ai % len(self.services)]
        funcs = self.service_funcs.get(svc, ["noop"])
        mods = self.service_module_names(svc)
        views = ['"""Views of the %s app."""\n' % app,
                 'from django.shortcuts import get_object_or_404\n'
                 'from rest_framework import status, viewsets\nfrom rest_framework.decorators import action\n'
                 'from rest_framework.response import Response\n\n',
                 'from services import %s\n' % svc,
                 'from services.%s import %s\n' % (svc, self.service_errors[svc][0])]
        wrappers = [w for w in self.wrappers if w[0].startswith(svc + "_tasks")] or self.wrappers[:1]
        if wrappers:
            views.append('from services.tasks import %s\n' % wrappers[0][0])
        views.append('\nfrom .models import %s\nfrom .serializers import %s\n\n\n'
                     % (", ".join(models), ", ".join(m + "Serializer" for m in models)))
        for k, m in enumerate(models):
            fn = rng.choice(funcs)
            mod = rng.choice(mods) if mods else "x"
            views.append('class %sViewSet(viewsets.ModelViewSet):\n    queryset = %s.objects.all()\n'
                         '    serializer_class = %sSerializer\n\n' % (m, m, m))
            views.append('    @action(detail=True, methods=["post"])\n    def process(self, request, pk=None):\n'
                         '        obj = get_object_or_404(%s, pk=pk)\n        try:\n'
                         '            %s.%s.%s(obj.pk, user=request.user)\n'
                         '        except %s as exc:\n'
                         '            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)\n'
                         % (m, svc, mod, fn, self.service_errors[svc][0]))
            if wrappers:
                w = rng.choice(wrappers)
                views.append('        %s.%s(obj.pk)\n' % (w[0], w[1]))
            views.append('        return Response({"ok": True})\n\n')
            if ai % 6 == 2 and k == 0:
                # an ORM write in a view (SVC501)
                views.append('    def perform_destroy(self, instance):\n        instance.status = "gone"\n'
                             '        instance.save()\n\n')
            views.append('\n')
        if ai % 7 == 3 and self.wrappers:
            # .delay outside the tasks service (SVC402) and a deep import (SVC201)
            mod, wrapper = self.wrappers[0]
            views.append('def legacy_trigger(request, pk):\n'
                         '    from services.tasks.%s import _%s\n' % (mod, wrapper[len("delay_"):])
                         + '    _%s.delay(pk)\n    return Response({"queued": True})\n\n\n' % wrapper[len("delay_"):])
        if ai % 11 == 4:
            deep = [s for s in self.services if os.path.isdir(os.path.join(self.root, "services", s, "backends"))]
            if deep:
                views.append('from services.%s.backends.remote import fetch_remote  # noqa: E402\n\n\n' % deep[0])
        self.write(base + "/views.py", "".join(views))

        urls = ['from rest_framework.routers import DefaultRouter\n\nfrom . import views\n\n'
                'router = DefaultRouter()\n']
        for m in models:
            urls.append('router.register(r"%s", views.%sViewSet)\n' % (m.lower(), m))
        urls.append('\nurlpatterns = router.urls\n')
        self.write(base + "/urls.py", "".join(urls))

        forms = ['from django import forms\n\nfrom .models import %s\n\n\n' % ", ".join(models)]
        for m in models[:3]:
            forms.append('class %sForm(forms.ModelForm):\n    class Meta:\n        model = %s\n'
                         '        fields = ["status", "notes"]\n\n    def clean_notes(self):\n'
                         '        return self.cleaned_data["notes"].strip()\n\n\n' % (m, m))
        self.write(base + "/forms.py", "".join(forms))

        if ai % 2 == 0 and self.wrappers:
            mod, wrapper = self.rng.choice(self.wrappers)
            self.write(base + "/signals.py",
                       'from django.db.models.signals import post_save\nfrom django.dispatch import receiver\n\n'
                       'from services.tasks import %s\n\nfrom .models import %s\n\n\n'
                       '@receiver(post_save, sender=%s)\ndef on_saved(sender, instance, created, **kwargs):\n'
                       '    if created:\n        %s.%s(instance.pk)\n' % (mod, models[0], models[0], mod, wrapper))

        if ai % 5 == 1:
            # a helpers module with functions: SVC501
            target = self.target_lines(50, 250, 90)
            self.write(base + "/helpers.py", self.pad(['"""Helpers of the %s app."""\n\n\n' % app], target,
                                                      self.helper_function))
        if ai % 8 == 6:
            # a Celery task inside an app: SVC401 (and SVC403, it is public)
            self.write(base + "/tasks.py", 'from celery import shared_task\n\n\n@shared_task\n'
                                           'def refresh_%s(pk):\n    return pk\n' % app)

        # migrations: ordinary code that never touches services or tasks
        self.write(base + "/migrations/__init__.py", "")
        for k in range(rng.randint(10, 30)):
            self.write(base + "/migrations/%04d_%s.py" % (k + 1, "initial" if k == 0 else "auto_%d" % k),
                       self.migration(app, models, k))
        # management commands
        self.write(base + "/management/__init__.py", "")
        self.write(base + "/management/commands/__init__.py", "")
        for k in range(rng.randint(1, 4)):
            self.write(base + "/management/commands/%s_%s.py" % (rng.choice(VERBS), rng.choice(WORDS)),
                       self.command(models, k))
        # tests
        self.write(base + "/tests/__init__.py", "")
        for k in range(rng.randint(9, 19)):
            target = self.target_lines(50, 500, 150)
            head = ['import pytest\nfrom django.urls import reverse\n\nfrom %s.models import %s\n\n\n'
                    % (app, models[0])]
            self.write(base + "/tests/test_%s_%d.py" % (rng.choice(WORDS), k),
                       self.pad(head, target, lambda i: self.app_test(i, app, models[0])))

    def migration(self, app, models, k):
        rng = self.rng
        out = ['# Generated by Django 5.0 on 2024-01-%02d 12:00\n\n' % (k % 28 + 1),
               'import django.db.models.deletion\nfrom django.conf import settings\n'
               'from django.db import migrations, models\n\n\n',
               'class Migration(migrations.Migration):\n\n']
        out.append('    initial = True\n\n' if k == 0 else
                   '    dependencies = [\n        ("%s", "%04d_%s"),\n    ]\n\n' % (app, k, "initial" if k == 1 else "auto_%d" % (k - 1)))
        out.append('    operations = [\n')
        target = self.target_lines(50, 450, 140)
        i = 0
        while sum(s.count("\n") for s in out) < target:
            m = models[i % len(models)]
            if k == 0 or i % 3 == 0:
                out.append('        migrations.CreateModel(\n            name="%s%d",\n            fields=[\n' % (m, i))
                out.append('                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),\n')
                for f in range(rng.randint(3, 10)):
                    out.append('                ("%s_%d", models.CharField(blank=True, max_length=%d)),\n'
                               % (rng.choice(WORDS), f, rng.randint(10, 255)))
                out.append('                ("owner", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, '
                           'to=settings.AUTH_USER_MODEL)),\n            ],\n'
                           '            options={"ordering": ["-id"]},\n        ),\n')
            else:
                out.append('        migrations.AddField(\n            model_name="%s",\n            name="%s_%d",\n'
                           '            field=models.IntegerField(default=%d),\n        ),\n'
                           % (m.lower(), rng.choice(WORDS), i, rng.randint(0, 9)))
            i += 1
        out.append('    ]\n')
        return "".join(out)

    def command(self, models, k):
        m = models[k % len(models)]
        text = ('from django.core.management.base import BaseCommand\n\n'
                'from ...models import %s\n\n\n' % m
                + 'class Command(BaseCommand):\n    help = "Report on %s rows."\n\n' % m
                + '    def add_arguments(self, parser):\n        parser.add_argument("--limit", type=int, default=100)\n\n'
                + '    def handle(self, *args, **options):\n'
                + '        rows = %s.objects.all()[: options["limit"]]\n' % m
                + '        for row in rows:\n            self.stdout.write(f"{row.pk} {row.status} {row.total}")\n')
        if k == 2:
            text += '        for row in rows:\n            row.notes = ""\n            row.save()\n'
        return self.pad([text, '\n\n'], self.target_lines(50, 200, 70), self.helper_function)

    def app_test(self, i, app, model):
        rng = self.rng
        return ('@pytest.mark.django_db\ndef test_%s_%d(client, django_user_model):\n' % (rng.choice(VERBS), i)
                + '    user = django_user_model.objects.create_user("u%d", password="pw")\n' % i
                + '    client.force_login(user)\n'
                + '    response = client.get("/%s/%s/")\n' % (app, model.lower())
                + '    assert response.status_code in (200, 302)\n'
                + '    assert %s.objects.count() == 0\n\n\n' % model)

    # ---- a few oddities --------------------------------------------------------------------
    def write_extras(self):
        svc = self.services[0]
        err = self.service_errors[svc][0]
        # a re-export outside the services package, and a caller of it that spells neither
        # `services` nor `task`/`delay`: the pre-filter must follow the alias
        self.write("libs/shortcuts.py",
                   '"""Shortcuts used by scripts."""\nfrom services.%s import %s as Failure\n' % (svc, err)
                   + ('from services.tasks.%s import %s as enqueue\n' % self.wrappers[0] if self.wrappers else ''))
        self.write("libs/report_runner.py",
                   '"""Runs reports."""\nfrom libs import shortcuts\n\n\n'
                   'def run(job):\n    try:\n        return job()\n    except shortcuts.Failure:\n'
                   '        return None\n')
        # a file with a syntax error
        self.write("libs/broken_example.py", "def broken(:\n    pass\n")

    def generate(self):
        self.write_project()
        # models first (services use them), then services, tasks, apps
        for app in self.apps:
            label = camel(app)
            self.models[app] = ["%s%s%d" % (label.rstrip("s"), camel(self.rng.choice(WORDS)), k)
                                for k in range(self.rng.randint(5, 14))]
        self.write_services()
        self.write_tasks_service()
        for ai, app in enumerate(self.apps):
            self.write_app(ai, app)
        self.write_libs()
        self.write_extras()


def git(root, *args):
    env = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.invalid",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.invalid",
               GIT_AUTHOR_DATE="2024-01-01T00:00:00Z", GIT_COMMITTER_DATE="2024-01-01T00:00:00Z",
               GIT_CONFIG_NOSYSTEM="1")
    subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "core.autocrlf=false", *args], cwd=root,
                   env=env, check=True, stdout=subprocess.DEVNULL)


def run_generator(make_project, doc):
    """The command line of a generator: OUT_DIR [--scale S] [--seed N] [--no-git]. make_project(out,
    scale, seed) returns an object whose generate() writes the project and which counts its
    .files and .lines."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-git", action="store_true", help="leave a plain folder")
    args = ap.parse_args()
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    os.makedirs(args.out)
    p = make_project(args.out, args.scale, args.seed)
    p.generate()
    size = 0
    for dirpath, _, names in os.walk(args.out):
        for n in names:
            if n.endswith(".py"):
                size += os.path.getsize(os.path.join(dirpath, n))
    # files older than the commit (a checkout is, in practice): git's "racily clean" rule would
    # otherwise distrust the index's blob ids for files written in the second it was written
    stamp = 1704067200  # 2024-01-01
    for dirpath, _, names in os.walk(args.out):
        for n in names:
            os.utime(os.path.join(dirpath, n), (stamp, stamp))
    if not args.no_git:
        git(args.out, "init", "-q")
        git(args.out, "add", "-A")
        git(args.out, "commit", "-q", "-m", "synthetic project")
    print("%s: %d Python files, %d lines, %d bytes" % (args.out, p.files, p.lines, size))


def main():
    run_generator(Project, __doc__)


if __name__ == "__main__":
    sys.exit(main())
