#!/usr/bin/env python3
"""Writes a deterministic synthetic Django + Celery project in migration mode for the benchmark.

    bench/generate_migration.py OUT_DIR [--scale S] [--seed N] [--no-git]

Shaped like a large real backend before it adopts the services convention (saleor, at about
4,300 Python files and 39 MB, is the model): no `services` package; one top-level package of
Django apps, each with models, views, serializers, signals, admin, a `tasks.py` of Celery tasks
and a `migrations/tasks/` folder of data-migration tasks, many migrations and many tests; a
GraphQL-like layer of mutation modules per app; heavy imports across apps (`from ..order.models
import Order`); a Celery app (`celeryconf.py`) imported by every tasks module; `.delay` and
`.apply_async` called from views, signals, mutations and other tasks; a settings module with a
CELERY_BEAT_SCHEDULE. At scale 1 about 3,700 files and 26 MB. The same (scale, seed) writes the same
bytes. Python 3 stdlib only.
"""
import os
import random

from generate import run_generator

WORDS = (
    "account address app attribute channel checkout core csv discount giftcard invoice menu "
    "order page payment plugin product shipping site tax warehouse webhook wishlist thumbnail "
    "permission seo csv_export search graphql_api loyalty returns bundle subscription review "
    "inventory pricing promotion voucher collection category customer staff notification"
).split()
VERBS = "update recalculate send delete export import sync refresh clean fix backfill notify".split()
NOUNS = "search_vector prices totals emails thumbnails webhooks records tokens statuses items".split()


class Project:
    def __init__(self, root, scale, seed):
        self.root = root
        self.rng = random.Random(seed)
        self.napps = max(4, int(round(40 * scale)))
        self.apps = WORDS[: min(self.napps, len(WORDS))]
        while len(self.apps) < self.napps:
            self.apps.append("%s%d" % (WORDS[len(self.apps) % len(WORDS)], len(self.apps)))
        self.tasks = {}
        self.files = self.lines = 0

    def write(self, rel, text):
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        if rel.endswith(".py"):
            self.files += 1
            self.lines += text.count("\n")

    def filler(self, n):
        """n lines of ordinary code that never touches tasks."""
        out = []
        for i in range(n // 6):
            name = "%s_%s_%d" % (self.rng.choice(VERBS), self.rng.choice(NOUNS), i)
            out.append("\n\ndef %s(items, limit=100):\n    total = 0\n    for item in items[:limit]:\n"
                       "        total += len(str(item))\n    return total\n" % name)
        return "".join(out)

    def other_apps(self, app, k):
        others = [a for a in self.apps if a != app]
        return self.rng.sample(others, min(k, len(others)))

    def cross_imports(self, app, k=4):
        return "".join("from ..%s.models import %sModel\n" % (o, o.capitalize()) for o in self.other_apps(app, k))

    def app(self, app):
        pkg = "proj/%s" % app
        self.write(pkg + "/__init__.py", "")
        self.write(pkg + "/apps.py", "from django.apps import AppConfig\n\n\nclass %sConfig(AppConfig):\n"
                   "    name = \"proj.%s\"\n" % (app.capitalize(), app))
        self.write(pkg + "/models.py", "from django.db import models\n\n\nclass %sModel(models.Model):\n"
                   "    name = models.CharField(max_length=100)\n" % app.capitalize() + self.filler(120))
        names = ["%s_%s_%s_task" % (self.rng.choice(VERBS), app, self.rng.choice(NOUNS)) for _ in range(self.rng.randint(2, 7))]
        names = sorted(set(names))
        self.tasks[app] = names
        body = "from ..celeryconf import app\n" + self.cross_imports(app, 3) + "\n"
        for i, name in enumerate(names):
            body += "\n@app.task\ndef %s(obj_id, force=False):\n    return obj_id\n" % name
            if i and self.rng.random() < 0.4:
                body += "\n\n@app.task(bind=True)\ndef chain_%s(self, obj_id):\n    %s.delay(obj_id)\n" % (name, names[0])
        self.write(pkg + "/tasks.py", body + self.filler(60))
        for m in range(self.rng.randint(1, 3)):
            self.write(pkg + "/migrations/tasks/proj3_%d.py" % (20 + m),
                       "from ...celeryconf import app\nfrom ..%s import models as _m\n\n\n@app.task\n"
                       "def backfill_%s_%d_task(batch=500):\n    return batch\n" % ("", app, m) + self.filler(40))
        self.write(pkg + "/migrations/__init__.py", "")
        self.write(pkg + "/migrations/tasks/__init__.py", "")
        for m in range(self.rng.randint(20, 40)):
            self.write(pkg + "/migrations/%04d_auto.py" % (m + 1),
                       "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n"
                       "    dependencies = []\n    operations = []\n" + self.filler(self.rng.randint(20, 80)))
        calls = "".join("    %s.delay(obj.pk)\n" % n for n in names[:2])
        self.write(pkg + "/signals.py", "from .tasks import %s\n\n\ndef on_save(sender, instance, **kwargs):\n"
                   "    obj = instance\n%s" % (", ".join(names[:2]), calls) + self.filler(30))
        self.write(pkg + "/views.py", self.cross_imports(app) + "from .tasks import %s\n\n\ndef view(request, pk):\n"
                   "    %s.apply_async((pk,), countdown=10)\n" % (names[0], names[0]) + self.filler(self.rng.randint(200, 700)))
        for f in ("admin", "serializers", "utils", "error_codes"):
            self.write(pkg + "/%s.py" % f, self.cross_imports(app, 2) + self.filler(self.rng.randint(60, 300)))
        for t in range(self.rng.randint(20, 36)):
            self.write(pkg + "/tests/test_%d.py" % t, "from ..tasks import %s\n\n\ndef test_task():\n    %s(1)\n"
                       % (names[0], names[0]) + self.filler(self.rng.randint(150, 500)))
        self.write(pkg + "/tests/__init__.py", "")
        gql = "proj/graphql/%s" % app
        self.write(gql + "/__init__.py", "")
        for m in range(self.rng.randint(10, 25)):
            target = self.rng.choice(self.other_apps(app, 3) + [app])
            tname = self.tasks.get(target, [None])[0]
            call = ("from ...%s.tasks import %s\n\n\ndef mutate(root, info, pk):\n    %s.delay(pk)\n" % (target, tname, tname)
                    if tname else "")
            self.write(gql + "/mutations/m_%d.py" % m, self.cross_imports(app, 3) + call + self.filler(self.rng.randint(150, 500)))
        self.write(gql + "/mutations/__init__.py", "")

    def generate(self):
        self.write("manage.py", "import os\nimport sys\n")
        self.write("proj/__init__.py", "")
        self.write("proj/graphql/__init__.py", "")
        self.write("proj/celeryconf.py", "from celery import Celery\n\napp = Celery(\"proj\")\n"
                   "app.config_from_object(\"django.conf:settings\", namespace=\"CELERY\")\napp.autodiscover_tasks()\n")
        for app in self.apps:
            self.app(app)
        beat = "".join('    "%s": {"task": "proj.%s.tasks.%s", "schedule": 60},\n' % (n, a, n)
                       for a in self.apps[:10] for n in self.tasks[a][:1])
        self.write("proj/settings.py", "INSTALLED_APPS = [\n%s]\n\nCELERY_BEAT_SCHEDULE = {\n%s}\n"
                   % ("".join('    "proj.%s",\n' % a for a in self.apps), beat))


def main():
    run_generator(Project, __doc__)


if __name__ == "__main__":
    main()
