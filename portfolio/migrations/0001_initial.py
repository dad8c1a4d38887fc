"""The portfolio models, moved here from categories/ with their tables as they were (see
categories 0013): only Django's picture of them is created; the rows stay where they are."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('categories', '0013_spend_plans_and_maturity_move_out'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name='MaturityDimension',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(editable=False, max_length=40, unique=True)),
                ('name', models.CharField(max_length=100)),
                ('order', models.PositiveSmallIntegerField(default=0)),
            ],
            options={
                'db_table': 'categories_maturitydimension',
                'ordering': ['order', 'name'],
            },
        ),
        migrations.CreateModel(
            name='MaturityAssessment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('assessed_on', models.DateField()),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('assessed_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('category', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='maturity_assessments', to='categories.category')),
            ],
            options={
                'db_table': 'categories_maturityassessment',
                'ordering': ['-assessed_on', 'category__path'],
            },
        ),
        migrations.CreateModel(
            name='MaturityDescriptor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('level', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)])),
                ('descriptor', models.TextField(help_text='What this level looks like, in a sentence or two.')),
                ('question', models.CharField(blank=True, help_text='The statement that must hold to reach this level (none for level 1).', max_length=300)),
                ('dimension', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='descriptors', to='portfolio.maturitydimension')),
            ],
            options={
                'db_table': 'categories_maturitydescriptor',
                'ordering': ['dimension__order', 'level'],
            },
        ),
        migrations.CreateModel(
            name='MaturityScore',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('answers', models.JSONField(default=list, help_text='Yes or no to each statement, level 2 up.')),
                ('evidence', models.TextField(blank=True, help_text='The evidence as it stood that day.')),
                ('evidence_level', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('suggested_level', models.PositiveSmallIntegerField()),
                ('level', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)])),
                ('note', models.TextField(blank=True)),
                ('assessment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='scores', to='portfolio.maturityassessment')),
                ('dimension', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='portfolio.maturitydimension')),
            ],
            options={
                'db_table': 'categories_maturityscore',
                'ordering': ['dimension__order'],
            },
        ),
        migrations.AddConstraint(
            model_name='maturityassessment',
            constraint=models.UniqueConstraint(fields=('category', 'assessed_on'), name='one_assessment_per_category_date'),
        ),
        migrations.AddConstraint(
            model_name='maturitydescriptor',
            constraint=models.UniqueConstraint(fields=('dimension', 'level'), name='one_descriptor_per_level'),
        ),
        migrations.AddConstraint(
            model_name='maturityscore',
            constraint=models.UniqueConstraint(fields=('assessment', 'dimension'), name='one_score_per_dimension'),
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
