from django.contrib.admin.apps import AdminConfig


class ImprimaturAdminConfig(AdminConfig):
    """The Django admin with Imprimatur's site (reviewers land on "My reviews")."""

    default_site = "editorial.admin_site.ImprimaturAdminSite"
