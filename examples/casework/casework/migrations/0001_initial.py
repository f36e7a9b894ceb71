"""The host's own tables: persons and deliveries (kwflow keeps its own)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name="Person",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("person_id", models.CharField(max_length=200, unique=True)),
                ("organisation_id", models.CharField(blank=True, default="", max_length=200)),
                ("organisation_kind", models.CharField(blank=True, default="", max_length=200)),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="person",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Delivery",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("person_id", models.CharField(db_index=True, max_length=200)),
                ("notification_key", models.CharField(max_length=255)),
                ("case_id", models.CharField(max_length=200)),
                ("text_cs", models.TextField()),
                ("text_en", models.TextField()),
                ("due", models.DateTimeField(null=True)),
                ("delivered_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={"ordering": ["-delivered_at", "-id"]},
        ),
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.UniqueConstraint(
                fields=("person_id", "notification_key"), name="one_delivery_per_person"
            ),
        ),
    ]
