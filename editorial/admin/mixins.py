"""What the admin mixins extend: ModelAdmin (or an inline) for the type checker, so their
super() calls and self.model / self.admin_site are checked; plain object at run time, where
each mixin is placed before the ModelAdmin class it mixes into."""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin
    from django.contrib.admin.options import InlineModelAdmin

    AdminMixinBase = ModelAdmin[Any]
    InlineMixinBase = InlineModelAdmin[Any, Any]
else:
    AdminMixinBase = object
    InlineMixinBase = object
