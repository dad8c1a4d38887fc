"""The spend models, moved here from categories/ with their tables as they were (see
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
            name='ColumnMapping',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True)),
                ('columns', models.JSONField(default=dict, help_text='Spend field → column header in the file.')),
                ('date_format', models.CharField(choices=[('iso', 'ISO (2026-01-31)'), ('day_first', 'Day first (31/01/2026)'), ('month_first', 'Month first (01/31/2026)'), ('excel', 'Excel serial number (46053)')], default='iso', max_length=20)),
                ('decimal_comma', models.BooleanField(default=False, help_text='Amounts are written "1.234,56" (comma before the decimals).')),
                ('default_currency', models.CharField(blank=True, help_text='Currency of lines when the file has no currency column.', max_length=3)),
                ('create_missing_units', models.BooleanField(default=False, help_text='Create a business unit for each unit name the file uses that does not exist yet.')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'categories_columnmapping',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='ExchangeRate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('currency', models.CharField(max_length=3)),
                ('month', models.DateField(help_text='First day of the month the rate applies to.')),
                ('rate', models.DecimalField(decimal_places=8, max_digits=18)),
            ],
            options={
                'db_table': 'categories_exchangerate',
                'ordering': ['currency', 'month'],
                'constraints': [models.UniqueConstraint(fields=('currency', 'month'), name='one_rate_per_month')],
            },
        ),
        migrations.CreateModel(
            name='ImportBatch',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.CharField(help_text='File name or generator.', max_length=200)),
                ('content_hash', models.CharField(max_length=64, unique=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('line_count', models.PositiveIntegerField(default=0)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name_plural': 'import batches',
                'db_table': 'categories_importbatch',
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='ImportJob',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file_name', models.CharField(max_length=255)),
                ('stored_path', models.CharField(max_length=500)),
                ('content_hash', models.CharField(db_index=True, max_length=64)),
                ('headers', models.JSONField(default=list)),
                ('sheets', models.JSONField(blank=True, default=list, help_text="A workbook's sheets.")),
                ('sheet', models.CharField(blank=True, help_text="The workbook's sheet read.", max_length=31)),
                ('store_valid_rows', models.BooleanField(default=False, help_text='Store the valid rows and keep the rejected ones for download.')),
                ('status', models.CharField(choices=[('mapping', 'Waiting for the column mapping'), ('queued', 'Queued'), ('running', 'Importing'), ('stored', 'Stored'), ('rejected', 'Refused: rows with errors'), ('failed', 'Failed'), ('undone', 'Undone')], default='mapping', max_length=20)),
                ('rows_total', models.PositiveIntegerField(default=0)),
                ('rows_done', models.PositiveIntegerField(default=0)),
                ('lines_stored', models.PositiveIntegerField(default=0)),
                ('errors', models.JSONField(default=list, help_text='Row, column, value, what is wrong.')),
                ('error_count', models.PositiveIntegerField(default=0)),
                ('rejected_rows', models.TextField(blank=True, help_text='The rejected rows as CSV.')),
                ('summary', models.JSONField(default=dict)),
                ('message', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('batch', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='job', to='spend.importbatch')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('mapping', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='jobs', to='spend.columnmapping')),
            ],
            options={
                'db_table': 'categories_importjob',
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='KraljicAssessment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('profit_impact', models.PositiveSmallIntegerField(help_text='1 (little effect on profit) to 5 (a large share of cost or of the product).', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)])),
                ('supply_risk', models.PositiveSmallIntegerField(help_text='1 (many suppliers, easy to switch) to 5 (a sole source, scarce market).', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)])),
                ('reason', models.TextField(help_text="Why the data's suggestion does not tell the whole story.")),
                ('set_at', models.DateTimeField(auto_now_add=True)),
                ('category', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='kraljic_assessments', to='categories.category')),
                ('set_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'categories_kraljicassessment',
                'ordering': ['-set_at', '-pk'],
                'get_latest_by': ['set_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='ClassificationRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('supplier', 'Supplier'), ('gl_account', 'GL account'), ('keyword', 'Keyword in description')], max_length=20)),
                ('gl_account', models.CharField(blank=True, max_length=40, verbose_name='GL account')),
                ('keyword', models.CharField(blank=True, max_length=100)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('category', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rules', to='categories.category')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('supplier', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='classification_rules', to='suppliers.supplier')),
            ],
            options={
                'db_table': 'categories_classificationrule',
                'ordering': ['kind', 'keyword', 'gl_account'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('kind', 'supplier')), fields=('supplier',), name='one_rule_per_supplier'), models.UniqueConstraint(condition=models.Q(('kind', 'gl_account')), fields=('gl_account',), name='one_rule_per_gl_account')],
            },
        ),
        migrations.CreateModel(
            name='SpendLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField()),
                ('amount', models.DecimalField(decimal_places=2, help_text='Base currency.', max_digits=16)),
                ('original_amount', models.DecimalField(decimal_places=2, max_digits=16)),
                ('currency', models.CharField(help_text='ISO 4217 code of the original amount.', max_length=3)),
                ('description', models.CharField(blank=True, max_length=500)),
                ('document_reference', models.CharField(blank=True, max_length=100)),
                ('gl_account', models.CharField(blank=True, db_default='', default='', help_text='The ledger code the invoice was booked to.', max_length=40, verbose_name='GL account')),
                ('supplier_name_in_file', models.CharField(blank=True, db_default='', default='', help_text='The supplier as the imported file spelled it.', max_length=255)),
                ('business_unit', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='spend_lines', to='stakeholders.businessunit')),
                ('category', models.ForeignKey(blank=True, db_index=False, help_text='Empty while the line is unclassified.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='spend_lines', to='categories.category')),
                ('import_batch', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='spend.importbatch')),
                ('supplier', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='spend_lines', to='suppliers.supplier')),
            ],
            options={
                'db_table': 'categories_spendline',
                'indexes': [models.Index(fields=['category', 'date'], name='spend_category_date'), models.Index(fields=['supplier', 'date'], name='spend_supplier_date'), models.Index(fields=['date'], name='spend_date')],
            },
        ),
        migrations.CreateModel(
            name='SpendSummary',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(help_text='First day of the month.')),
                ('spend', models.DecimalField(decimal_places=2, max_digits=18)),
                ('lines', models.PositiveIntegerField()),
                ('business_unit', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='stakeholders.businessunit')),
                ('category', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='categories.category')),
                ('supplier', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='suppliers.supplier')),
            ],
            options={
                'verbose_name_plural': 'spend summaries',
                'db_table': 'categories_spendsummary',
                'indexes': [models.Index(fields=['month'], name='spend_summary_month')],
            },
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
