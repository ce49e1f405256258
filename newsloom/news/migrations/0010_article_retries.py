"""Article retries (`failure`, `next_attempt_at`, the `failed` status), one scheduler turn per
periodic job, and worker heartbeats.

`failure` is added with plain ALTER TABLE ... ADD COLUMN on every database: for a NOT NULL
column Django's SQLite backend rebuilds the whole table, which drops the triggers that keep
the full-text index (0003_search_index) in step with the articles."""

from django.db import migrations, models

ADD_FAILURE = "ALTER TABLE news_article ADD COLUMN failure text NOT NULL DEFAULT ''"
DROP_FAILURE = "ALTER TABLE news_article DROP COLUMN failure"


class Migration(migrations.Migration):

    dependencies = [
        ('news', '0009_story_engine'),
    ]

    operations = [
        migrations.CreateModel(
            name='PeriodicTurn',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True)),
                ('due_at', models.DateTimeField()),
            ],
        ),
        migrations.CreateModel(
            name='WorkerHeartbeat',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='host:pid', max_length=200, unique=True)),
                ('started_at', models.DateTimeField()),
                ('beat_at', models.DateTimeField(db_index=True)),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(ADD_FAILURE, DROP_FAILURE)],
            state_operations=[migrations.AddField(
                model_name='article',
                name='failure',
                field=models.TextField(blank=True, help_text='the last error while processing it'),
            )],
        ),
        migrations.AddField(
            model_name='article',
            name='next_attempt_at',
            field=models.DateTimeField(blank=True, db_index=True, help_text='not queued again before then: it is queued, held, or backing off', null=True),
        ),
        migrations.AlterField(
            model_name='article',
            name='attempts',
            field=models.PositiveSmallIntegerField(default=0, help_text='times a worker claimed it (counted at the claim)'),
        ),
        migrations.AlterField(
            model_name='article',
            name='status',
            field=models.CharField(choices=[('pending', 'waiting for page fetch'), ('ready', 'processed'), ('failed', 'gave up after repeated errors')], db_index=True, default='pending', max_length=10),
        ),
    ]
