"""The admin: platform admins load social value model files and edit models no procurement uses
yet. A model a procurement follows is read-only, so it keeps its model for life; to change one,
load a new version. Buyers' frameworks, commitments and reports are shown, never changed, here:
they change through their actions."""

from typing import ClassVar

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path

from levelfield.core import audit, clock
from levelfield.core.admin import ReadOnly, ReadOnlyAdmin
from levelfield.core.errors import DomainError

from . import actions
from .models import (
    AwardCriterion,
    DeliveryReport,
    Measure,
    MeasurementFramework,
    Obligation,
    PolicyOutcome,
    ReportingMetric,
    SocialValueModel,
    SubCriterion,
    Theme,
)


def _model_of(obj) -> SocialValueModel | None:
    for step in ("criterion", "outcome", "theme", "model"):
        if obj is not None and hasattr(obj, step) and not isinstance(obj, SocialValueModel):
            obj = getattr(obj, step)
    return obj if isinstance(obj, SocialValueModel) else None


def _check_not_in_use(obj) -> SocialValueModel | None:
    """Lock the model `obj` belongs to and refuse the edit if a procurement follows it by now:
    the permission checks ran when the page was shown."""
    model = _model_of(obj)
    if model is not None and model.pk:
        locked = SocialValueModel.objects.select_for_update().get(pk=model.pk)
        if locked.tenders.exists():
            raise PermissionDenied("A procurement follows this model: load a new version")
    return model


def _edited(model: SocialValueModel | None) -> None:
    """An edited model is no longer the file it was loaded from: forget the file's digest, so
    loading that file again is refused rather than taken as already loaded."""
    if model is not None and model.pk:
        SocialValueModel.objects.filter(pk=model.pk).update(sha256="")


def _record_edit(request, obj, verb: str, model, fields=()) -> None:
    """Every admin edit of a model is audited, like the actions' changes."""
    audit.record(
        action="socialvalue.model_edited",
        obj=model or obj,
        actor=request.user,
        summary=f"{verb} {obj._meta.verbose_name} {getattr(obj, 'code', obj)} in the admin",
        part=obj._meta.model_name,
        part_id=obj.pk,
        fields=sorted(fields),
    )


class ModelPartAdmin(admin.ModelAdmin):
    """Editable by platform admins while no procurement follows the model it belongs to. The
    admin's change view runs in a transaction; each save is audited in it."""

    def _in_use(self, obj) -> bool:
        model = _model_of(obj)
        return model is not None and model.tenders.exists()

    def save_model(self, request, obj, form, change):
        model = _check_not_in_use(obj)
        if isinstance(obj, SocialValueModel) and obj.loaded_at is None:
            obj.loaded_at, obj.loaded_by = clock.now(), request.user
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            _edited(model or obj)
        _record_edit(
            request, obj, "Changed" if change else "Added", model or obj, form.changed_data
        )

    def delete_model(self, request, obj):
        model = _check_not_in_use(obj)
        if model is None or model.pk == obj.pk:
            # Deleting a whole model: audited against the model before it goes.
            _record_edit(request, obj, "Deleted", obj)
        else:
            _record_edit(request, obj, "Deleted", model)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        """The list's "Delete selected": each as the delete page does it (refused if a procurement
        follows its model, audited), all or none. Django's would delete them unaudited."""
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            model = _check_not_in_use(obj)
            _record_edit(request, obj, "Deleted", model)
            obj.delete()
        for obj in instances:
            model = _check_not_in_use(obj)
            changed = next((f.changed_data for f in formset.forms if f.instance is obj), [])
            verb = "Added" if obj.pk is None else "Changed"
            obj.save()
            _record_edit(request, obj, verb, model, changed)
        formset.save_m2m()
        if formset.deleted_objects or instances:
            _edited(_model_of(form.instance))

    def has_change_permission(self, request, obj=None):
        if obj is not None and self._in_use(obj):
            return False
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self._in_use(obj):
            return False
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff


class PartInline(admin.StackedInline):
    extra = 0
    fields: ClassVar[tuple[str, ...]] = ("code", "text", "valid_from", "valid_to", "position")
    show_change_link = True

    def _editable(self, request, obj) -> bool:
        model = _model_of(obj)
        return request.user.is_superuser and not (model is not None and model.tenders.exists())

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj)


class ThemeInline(PartInline):
    model = Theme


class OutcomeInline(PartInline):
    model = PolicyOutcome
    fields = (*PartInline.fields, "sustainability_goal")


class CriterionInline(PartInline):
    model = AwardCriterion


class SubCriterionInline(PartInline):
    model = SubCriterion


class MetricInline(PartInline):
    model = ReportingMetric
    fields = (*PartInline.fields, "unit")


class LoadModelForm(forms.Form):
    file = forms.FileField(
        label="Model file (JSON)",
        help_text="In the format of levelfield/socialvalue/data/ppn-002.json. A loaded code and "
        "version cannot be loaded again with different content: give it a new version.",
    )


@admin.register(SocialValueModel)
class SocialValueModelAdmin(ModelPartAdmin):
    list_display = ("title", "code", "version", "valid_from", "valid_to", "mandatory_from")
    search_fields = ("code", "title")
    readonly_fields = ("loaded_at", "loaded_by", "sha256")
    inlines = [ThemeInline]
    change_list_template = "admin/socialvalue/socialvaluemodel/change_list.html"

    def get_urls(self):
        return [
            path(
                "load/",
                self.admin_site.admin_view(self.load_view),
                name="socialvalue_socialvaluemodel_load",
            ),
            *super().get_urls(),
        ]

    def load_view(self, request):
        if not request.user.is_superuser:
            raise PermissionDenied
        # Bound on any POST: one whose only field, the file, was dropped still says why
        posted = request.method == "POST"
        form = LoadModelForm(request.POST, request.FILES) if posted else LoadModelForm()
        if posted and form.is_valid():
            try:
                model, created = actions.load_model(
                    raw=form.cleaned_data["file"].read(), by=request.user
                )
            except DomainError as exc:
                for problem in exc.details or [exc.message]:
                    form.add_error("file", problem)
            else:
                if created:
                    messages.success(request, f"Loaded {model}")
                else:
                    messages.info(request, f"{model} was already loaded; nothing changed")
                return redirect("admin:socialvalue_socialvaluemodel_change", model.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": "Load a social value model file",
        }
        return render(request, "admin/socialvalue/socialvaluemodel/load.html", context)


@admin.register(Theme)
class ThemeAdmin(ModelPartAdmin):
    list_display = ("code", "text", "model")
    list_select_related = ("model",)
    inlines = [OutcomeInline]


@admin.register(PolicyOutcome)
class PolicyOutcomeAdmin(ModelPartAdmin):
    list_display = ("code", "text", "theme")
    list_select_related = ("theme",)
    inlines = [CriterionInline]


@admin.register(AwardCriterion)
class AwardCriterionAdmin(ModelPartAdmin):
    list_display = ("code", "outcome")
    list_select_related = ("outcome",)
    inlines = [SubCriterionInline, MetricInline]


class MeasureInline(ReadOnly, admin.TabularInline):
    model = Measure
    extra = 0
    fields = ("line", "code", "description", "unit", "proxy_value")
    readonly_fields = fields


@admin.register(MeasurementFramework)
class MeasurementFrameworkAdmin(ReadOnlyAdmin):
    list_display = ("name", "version", "buyer", "imported_at")
    list_select_related = ("buyer",)
    inlines = [MeasureInline]


@admin.register(Obligation)
class ObligationAdmin(ReadOnlyAdmin):
    list_display = ("contract", "number", "description", "quantity", "unit", "due_on")
    list_select_related = ("contract",)


@admin.register(DeliveryReport)
class DeliveryReportAdmin(ReadOnlyAdmin):
    list_display = ("obligation", "period", "quantity", "status", "submitted_at")
    list_filter = ("status",)
    list_select_related = ("obligation", "period")
