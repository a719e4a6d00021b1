#!/bin/sh
# A package is a Django app on evidence, not on file names: an AppConfig subclass, a Django
# model, or INSTALLED_APPS. A pydantic models.py, a DataLoader apps.py and a test folder's
# models/ are not apps (so SVC501 stays quiet there); apps that share a label are told apart
# by their path in the tree, its JSON and the messages.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

new_repo shop
write shop/__init__.py ''
write shop/settings.py 'INSTALLED_APPS = ["shop.orders", "shop.a.catalog", "shop.b.catalog"]
'
write shop/orders/__init__.py ''
write shop/orders/apps.py 'from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "shop.orders"
'
write shop/orders/pricing.py 'def total(order):
    return 1
'
write shop/api/__init__.py ''
write shop/api/models.py 'from pydantic import BaseModel


class Payload(BaseModel):
    id: int
'
write shop/api/helpers.py 'def parse(x):
    return x
'
write shop/graphql/__init__.py ''
write shop/graphql/loaders.py 'class DataLoader:
    pass
'
write shop/graphql/dataloaders/__init__.py ''
write shop/graphql/dataloaders/apps.py 'from ..loaders import DataLoader


class AppsLoader(DataLoader):
    pass
'
write shop/graphql/dataloaders/utils.py 'def batch(keys):
    return keys
'
write shop/tests/__init__.py ''
write shop/tests/models/__init__.py 'from django.db import models


class Book(models.Model):
    pass
'
write shop/tests/helpers.py 'def make():
    pass
'
for side in a b; do
    write shop/$side/__init__.py ''
    write shop/$side/catalog/__init__.py ''
    write shop/$side/catalog/models.py 'from django.db import models


class Item(models.Model):
    pass
'
done
write shop/a/catalog/search.py 'def find(q):
    return q
'
write services/__init__.py ''
write services/billing/__init__.py ''
write services/billing/tests/__init__.py ''
write services/billing/charge.py 'from shop.a.catalog import search


def charge():
    search.find(1)
'
git_commit_all

run tree "$REPO"
expect_status 0
expect_out 'Django apps (3)'
expect_out '├── a/catalog  shop/a/catalog/  (models, 3 modules)'
expect_out '├── b/catalog  shop/b/catalog/  (models, 2 modules)'
expect_out '└── orders  shop/orders/  (apps.py, 3 modules)'
expect_no_out 'shop/api/'
expect_no_out 'dataloaders'
expect_no_out 'shop/tests/'

run tree --format json "$REPO"
expect_out '"display": "a/catalog",'
expect_out '"display": "b/catalog",'

run check "$REPO"
expect_status 1
expect_out "services/billing/charge.py:1:28: SVC203 [service-imports-app] \`shop.a.catalog.search\` is imported from Django app \`a/catalog\`"
expect_out "shop/a/catalog/search.py:1:5: SVC501 [logic-in-app] \`search.py\` of Django app \`a/catalog\`"
expect_out 'shop/orders/pricing.py:1:5: SVC501'
expect_out 'Found 3 violations'
expect_no_out 'helpers.py'
expect_no_out 'utils.py'

# named in INSTALLED_APPS (a settings class, += included), the api package is an app after all
write shop/settings.py 'INSTALLED_APPS = ["shop.orders", "shop.a.catalog", "shop.b.catalog"]


class Production(Configuration):
    INSTALLED_APPS = ["shop.orders"]
    INSTALLED_APPS += ["shop.api"]
'
run check "$REPO" --select SVC501
expect_out "shop/api/helpers.py:1:5: SVC501 [logic-in-app] \`helpers.py\` of Django app \`api\`"
expect_no_out 'utils.py'

# An entry naming an AppConfig class names the package of the class's `name`, not the package
# that holds the class.
new_repo config_name
write proj/__init__.py ''
write proj/settings.py 'INSTALLED_APPS = ["django.contrib.auth", "proj.apps.CoreConfig"]
'
write proj/apps/__init__.py 'from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
'
write proj/views.py 'def home(request):
    return 1
'
write core/__init__.py ''
write core/views.py 'def index(request):
    return 1
'
git_commit_all
run tree "$REPO"
expect_status 0
expect_out 'Django apps (1)'
expect_out '└── core  core/  (INSTALLED_APPS, 2 modules)'
expect_no_out 'proj/  ('

# An apps.py whose config names another package makes that package the app, not apps.py's folder.
new_repo apps_py_name
write forms/__init__.py ''
write forms/views.py 'def show(request):
    return 1
'
write forms/apps/__init__.py ''
write forms/apps/apps.py 'from django.apps import AppConfig


class FormsConfig(AppConfig):
    name = "forms"
'
write forms/apps/logger/__init__.py ''
git_commit_all
run tree "$REPO"
expect_status 0
expect_out 'Django apps (1)'
expect_out '└── forms  forms/  (apps.py, 5 modules)'
expect_no_out 'forms/apps/  ('

# Abstract models are no evidence; and INSTALLED_APPS, when it lists packages of the repo, is the
# authority: an unlisted sub-package with concrete models belongs to the listed app above it.
new_repo authority
write dojo/__init__.py ''
write dojo/settings.py 'INSTALLED_APPS = ["django.contrib.auth", "dojo"]
'
write dojo/models.py 'from django.db import models


class Product(models.Model):
    pass
'
write dojo/finding/__init__.py ''
write dojo/finding/models.py 'from django.db import models


class Finding(models.Model):
    pass
'
write dojo/finding/helpers.py 'def score(f):
    return 1
'
write lib/__init__.py ''
write lib/tagging/__init__.py ''
write lib/tagging/models.py 'from django.db import models


class Tagged(models.Model):
    class Meta:
        abstract = True
'
git_commit_all
run tree --format json "$REPO"
expect_status 0
expect_out '"path": "dojo",'
expect_no_out '"path": "dojo/finding",'
expect_no_out '"path": "lib/tagging",'
run tree "$REPO"
expect_out 'Django apps (1)'

# without INSTALLED_APPS, evidence decides: the concrete model makes an app, the abstract one not
write dojo/settings.py 'DEBUG = True
'
git -C "$REPO" commit -qam 'no INSTALLED_APPS'
run tree --format json "$REPO"
expect_out '"path": "dojo/finding",'
expect_no_out '"path": "lib/tagging",'

finish
