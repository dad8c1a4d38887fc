"""The plans models, moved here from categories/ with their tables as they were (see
categories 0013): only Django's picture of them is created; the rows stay where they are."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('categories', '0013_spend_plans_and_maturity_move_out'),
        ('stakeholders', '0003_unit_assigned_categories'),
        ('suppliers', '0004_standard_scorecard'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name='StageProbability',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('stage', models.CharField(max_length=20, unique=True)),
                ('probability', models.FloatField(validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(1)])),
            ],
            options={
                'verbose_name_plural': 'stage probabilities',
                'db_table': 'categories_stageprobability',
            },
        ),
        migrations.CreateModel(
            name='CategoryPlan',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('fiscal_year', models.PositiveSmallIntegerField(help_text='The year the plan runs (fiscal years follow the calendar year).')),
                ('title', models.CharField(max_length=200)),
                ('summary', models.TextField(blank=True, help_text="The plan's direction in a few sentences.")),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('in_review', 'In review'), ('approved', 'Approved'), ('active', 'Active'), ('closed', 'Closed')], default='draft', max_length=20)),
                ('target_hard_savings', models.DecimalField(decimal_places=2, default=0, max_digits=16)),
                ('target_cost_avoidance', models.DecimalField(decimal_places=2, default=0, max_digits=16)),
                ('target_revenue', models.DecimalField(decimal_places=2, default=0, max_digits=16)),
                ('savings_weight', models.FloatField(default=0.5, help_text='α: how much savings count against value alignment in the ranking (0..1).', validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(1)])),
                ('conflict_threshold', models.FloatField(default=0.2, help_text='A driver an affected unit weights at or above this is one it would miss.', validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(1)])),
                ('version', models.PositiveIntegerField(default=1)),
                ('revision', models.PositiveIntegerField(default=1)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('submitted_at', models.DateTimeField(blank=True, null=True)),
                ('approved_at', models.DateTimeField(blank=True, null=True)),
                ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('category', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='plans', to='categories.category')),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'categories_categoryplan',
                'ordering': ['-fiscal_year', 'category__path'],
            },
        ),
        migrations.CreateModel(
            name='Initiative',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200)),
                ('description', models.TextField(blank=True)),
                ('lever', models.CharField(choices=[('tender', 'Competitive tender'), ('renegotiation', 'Renegotiation'), ('demand', 'Demand management'), ('specification', 'Specification change or value engineering'), ('consolidation', 'Supplier consolidation'), ('development', 'Supplier development'), ('innovation', 'Innovation with suppliers'), ('process', 'Process or digitisation'), ('risk', 'Risk mitigation'), ('revenue', 'New revenue from an internal capability')], max_length=20)),
                ('hard_savings', models.DecimalField(decimal_places=2, default=0, help_text='Lower cost against the baseline.', max_digits=16)),
                ('cost_avoidance', models.DecimalField(decimal_places=2, default=0, help_text='A rise that will not happen.', max_digits=16)),
                ('revenue', models.DecimalField(decimal_places=2, default=0, help_text='New income, not a saving.', max_digits=16)),
                ('one_off_cost', models.DecimalField(decimal_places=2, default=0, max_digits=16)),
                ('spend_affected', models.DecimalField(decimal_places=2, default=0, help_text='The annual spend the initiative touches.', max_digits=16)),
                ('start', models.DateField()),
                ('end', models.DateField()),
                ('effort', models.PositiveSmallIntegerField(default=3, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)])),
                ('risk', models.PositiveSmallIntegerField(default=3, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)])),
                ('stage', models.CharField(choices=[('idea', 'Idea'), ('validated', 'Validated'), ('approved', 'Approved'), ('contracted', 'Contracted'), ('realised', 'Realised'), ('cancelled', 'Cancelled')], default='idea', max_length=20)),
                ('cancel_reason', models.TextField(blank=True)),
                ('version', models.PositiveIntegerField(default=1)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('affected_units', models.ManyToManyField(blank=True, related_name='initiatives', to='stakeholders.businessunit')),
                ('owner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='initiatives', to=settings.AUTH_USER_MODEL)),
                ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='initiatives', to='plans.categoryplan')),
                ('source_contract', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='initiatives', to='suppliers.contract')),
                ('source_idea', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='initiatives', to='suppliers.supplieridea')),
            ],
            options={
                'db_table': 'categories_initiative',
                'ordering': ['start', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='InitiativeImpact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('impact', models.SmallIntegerField(validators=[django.core.validators.MinValueValidator(-2), django.core.validators.MaxValueValidator(2)])),
                ('driver', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='initiative_impacts', to='stakeholders.valuedriver')),
                ('initiative', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='impacts', to='plans.initiative')),
            ],
            options={
                'db_table': 'categories_initiativeimpact',
            },
        ),
        migrations.CreateModel(
            name='PlanEndorsement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('revision', models.PositiveIntegerField()),
                ('decision', models.CharField(choices=[('endorse', 'Endorses'), ('object', 'Objects')], max_length=10)),
                ('reason', models.TextField(blank=True)),
                ('decided_at', models.DateTimeField(auto_now=True)),
                ('decided_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='endorsements', to='plans.categoryplan')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='plan_endorsements', to='stakeholders.businessunit')),
            ],
            options={
                'db_table': 'categories_planendorsement',
                'ordering': ['unit__name'],
            },
        ),
        migrations.CreateModel(
            name='PlanEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('revision', models.PositiveIntegerField()),
                ('action', models.CharField(max_length=200)),
                ('changes', models.JSONField(blank=True, default=dict, help_text='Field → [before, after].')),
                ('at', models.DateTimeField(auto_now_add=True)),
                ('by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('initiative', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='events', to='plans.initiative')),
                ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='plans.categoryplan')),
            ],
            options={
                'db_table': 'categories_planevent',
                'ordering': ['-at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='PlanObjective',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.CharField(max_length=300)),
                ('measure', models.CharField(blank=True, help_text='How we will know, e.g. OTIF ≥ 98%.', max_length=200)),
                ('order', models.PositiveSmallIntegerField(default=0)),
                ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='objectives', to='plans.categoryplan')),
            ],
            options={
                'db_table': 'categories_planobjective',
                'ordering': ['order', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='PlanVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('revision', models.PositiveIntegerField()),
                ('snapshot', models.JSONField()),
                ('approved_at', models.DateTimeField()),
                ('approved_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='plans.categoryplan')),
            ],
            options={
                'db_table': 'categories_planversion',
                'ordering': ['-revision'],
            },
        ),
        migrations.CreateModel(
            name='RealisedSaving',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period', models.DateField(help_text='First day of the month it was delivered in.')),
                ('hard_savings', models.DecimalField(decimal_places=2, default=0, max_digits=16)),
                ('cost_avoidance', models.DecimalField(decimal_places=2, default=0, max_digits=16)),
                ('revenue', models.DecimalField(decimal_places=2, default=0, max_digits=16)),
                ('note', models.CharField(blank=True, max_length=300)),
                ('recorded_at', models.DateTimeField(auto_now_add=True)),
                ('initiative', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='realised', to='plans.initiative')),
                ('recorded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'categories_realisedsaving',
                'ordering': ['period', 'pk'],
            },
        ),
        migrations.AddConstraint(
            model_name='categoryplan',
            constraint=models.UniqueConstraint(fields=('category', 'fiscal_year'), name='one_plan_per_category_year'),
        ),
        migrations.AddConstraint(
            model_name='initiativeimpact',
            constraint=models.UniqueConstraint(fields=('initiative', 'driver'), name='one_impact_per_driver'),
        ),
        migrations.AddConstraint(
            model_name='planendorsement',
            constraint=models.UniqueConstraint(fields=('plan', 'revision', 'unit'), name='one_answer_per_unit_and_revision'),
        ),
        migrations.AddConstraint(
            model_name='planversion',
            constraint=models.UniqueConstraint(fields=('plan', 'revision'), name='one_copy_per_revision'),
        ),
        migrations.AddConstraint(
            model_name='realisedsaving',
            constraint=models.UniqueConstraint(fields=('initiative', 'period'), name='one_realised_row_per_month'),
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
