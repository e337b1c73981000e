"""Load the social value models levelfield ships (PPN 06/20 and PPN 002) from data/."""

from django.db import migrations
from django.utils import timezone


def load(apps, schema_editor):
    from levelfield.socialvalue import loader

    classes = {name: apps.get_model("socialvalue", name) for name in loader.MODEL_CLASS_NAMES}
    model_class = classes["SocialValueModel"]
    for spec in loader.shipped_specs():
        if not model_class.objects.filter(code=spec.code, version=spec.version).exists():
            loader.store(spec, classes=classes, loaded_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("socialvalue", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
