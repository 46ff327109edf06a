"""Django's loaddata, refusing whole any load that leaves an invariant broken."""

from io import StringIO

from django.core.management.base import CommandError, OutputWrapper
from django.core.management.commands import loaddata
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError
from django.utils.translation import ngettext

from claims.invariants import find_violations


class Command(loaddata.Command):
    help = (
        f"{loaddata.Command.help} Refuses the whole load, writing nothing, when "
        "the data is malformed or would break an invariant of the desk "
        "(see check_invariants)."
    )

    def loaddata(self, fixture_labels):
        # Django runs this inside one transaction: raising rolls back every row.
        # Its "Installed N object(s)" waits until the data has passed the checks.
        stdout, self.stdout = self.stdout, OutputWrapper(StringIO())
        try:
            super().loaddata(fixture_labels)
        except (DeserializationError, DatabaseError) as error:
            # A CommandError is reported as a message, not a traceback. Some
            # errors (malformed JSON) keep their explanation in the cause.
            message, cause = str(error).strip(), error.__cause__
            if cause and str(cause) not in message:
                message = f"{message} {cause}"
            raise CommandError(f"{message.rstrip('. ')}. Nothing was written.") from error
        finally:
            held, self.stdout = self.stdout, stdout
        if self.loaded_object_count and (violations := find_violations(using=self.using)):
            listed = "\n".join(f"  {violation}" for violation in violations)
            breaks = ngettext(
                "the data breaks %(count)d invariant of the desk",
                "the data breaks %(count)d invariants of the desk",
                len(violations),
            ) % {"count": len(violations)}
            raise CommandError(
                f"Problem installing fixtures: {breaks}. Nothing was written.\n{listed}"
            )
        self.stdout.write(held._out.getvalue(), ending="")
