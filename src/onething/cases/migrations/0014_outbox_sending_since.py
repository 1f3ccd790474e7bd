from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_materials_origin_and_delivery"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="sending_since",
            field=models.DateTimeField(blank=True, null=True, verbose_name="发送开始"),
        ),
    ]
