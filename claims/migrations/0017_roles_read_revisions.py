"""
Gave every role the right to read published revisions. The roles are now
given their permissions after every migrate (claims.roles.sync_roles_after_migrate).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("claims", "0016_public_reads_revisions")]

    operations = []
