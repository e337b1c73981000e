"""The demo's catalogue marketplace (issue 19), played through the actions a person's clicks
call, each at its own moment with the clock frozen there (the content is `marketplace_data.py`):
the platform admin runs the framework "Cloud services" with three lots from announcement to
live; the demo suppliers, micro to large, apply, declare and list services; Wessex County
Council searches the catalogue, ends its search, awards a call-off to Tarrant Highways' app
(the contract signed, published in OCDS with the framework as a related process), records what
it paid before and sets the cost of a pothole repair, so the saving reads in pothole repairs.

`load(loader)` is called by the demo loader (`data._Loader.run`) in its transaction."""

from datetime import datetime, timedelta

from levelfield.accounts.models import User
from levelfield.core import clock
from levelfield.insights.actions_unit_costs import set_unit_cost
from levelfield.marketplace import search
from levelfield.marketplace.actions import applications, frameworks, listings, outcomes, projects
from levelfield.marketplace.actions.frameworks import FrameworkDetails, LotDetails
from levelfield.marketplace.models import Framework, Outcome, Project

from . import marketplace_data as data


class _Marketplace:
    def __init__(self, loader):
        self.loader = loader
        self.platform_admin = User.objects.get(is_superuser=True)

    def at(self, spec: tuple[int, int]) -> datetime:
        return self.loader.moment(spec)

    def person(self, supplier_key: str) -> User:
        """The supplier's admin as now stored (the loader's copy predates their verified email)."""
        return User.objects.get(pk=self.loader.supplier_users[supplier_key].pk)

    def run(self) -> Outcome:
        framework = self._framework()
        self._live(framework)
        return self._call_off(framework)

    def _framework(self) -> Framework:
        spec = data.FRAMEWORK
        today = self.loader.today
        details = FrameworkDetails(
            reference=spec["reference"],
            name=spec["name"],
            description=spec["description"],
            applications_open_on=today + timedelta(days=spec["opened"][0]),
            applications_close_on=today + timedelta(days=spec["closed"][0]),
            live_from=today + timedelta(days=spec["live"][0]),
            expires_on=today + timedelta(days=spec["live"][0] + spec["live_days"]),
            statements=list(spec["statements"]),
            lots=[
                LotDetails(title=title, categories=list(categories), cpv_code=cpv)
                for title, categories, cpv in spec["lots"]
            ],
        )
        admin = self.platform_admin
        with clock.frozen_at(self.at(spec["created"])):
            framework = frameworks.create_framework(details=details, by=admin)
        with clock.frozen_at(self.at(spec["opened"])):
            framework = frameworks.open_applications(framework=framework, by=admin)
        for applying in data.APPLICATIONS:
            self._apply(framework, applying)
        with clock.frozen_at(self.at(spec["closed"])):
            framework = frameworks.close_applications(framework=framework, by=admin)
        with clock.frozen_at(self.at(spec["decided"])):
            for application in framework.applications.order_by("pk"):
                applications.admit_application(application=application, by=admin)
        return framework

    def _apply(self, framework: Framework, spec: dict) -> None:
        supplier = self.loader.suppliers[spec["supplier"]]
        by = self.person(spec["supplier"])
        lots = {lot.number: lot for lot in framework.lots.all()}
        numbers = sorted({number for number, _content in spec["listings"]})
        with clock.frozen_at(self.at(spec["applied"])):
            application = applications.start_application(
                framework=framework,
                supplier=supplier,
                by=by,
                lot_ids=[lots[number].pk for number in numbers],
            )
            applications.declare(
                application=application,
                agreed=range(1, len(framework.statements) + 1),
                by=by,
            )
            for number, content in spec["listings"]:
                listing = listings.create_listing(
                    application=application, lot=lots[number], by=by, **content
                )
                listings.submit_listing(listing=listing, by=by)
            applications.submit_application(application=application, by=by)

    def _live(self, framework: Framework) -> None:
        admin, spec = self.platform_admin, data.FRAMEWORK
        with clock.frozen_at(self.at(spec["standstill"])):
            framework = frameworks.start_standstill(framework=framework, by=admin)
        with clock.frozen_at(self.at(spec["live"])):
            frameworks.go_live(framework=framework, by=admin)

    def _call_off(self, framework: Framework) -> Outcome:
        spec = data.CALL_OFF
        buyer = self.loader.buyer
        officer, admin = self.loader.people["officer"], self.loader.people["admin"]
        with clock.frozen_at(self.at(spec["created"])):
            project = projects.create_project(
                buyer=buyer, by=officer, name=spec["project"], need=spec["need"]
            )
        for keywords, moment in spec["searches"]:
            with clock.frozen_at(self.at(moment)):
                projects.save_search(
                    project=project, by=officer, criteria=search.Criteria(keywords=keywords)
                )
        with clock.frozen_at(self.at(spec["ended"])):
            project = projects.end_project(project=project, by=officer)
        supplier = self.loader.suppliers[spec["supplier"]]
        entry = project.shortlist.get(listing__supplier=supplier)
        start = self.loader.today + timedelta(days=spec["start"])
        end = start.replace(year=start.year + spec["years"]) - timedelta(days=1)
        with clock.frozen_at(self.at(spec["awarded"])):
            outcome = outcomes.award(
                project=Project.objects.get(pk=project.pk),
                by=admin,
                entry_id=entry.pk,
                value=spec["value"],
                start_date=start,
                end_date=end,
                reason=spec["reason"],
                previous_cost=spec["previous_cost"],
                previous_supplier=spec["previous_supplier"],
            )
        cost = data.UNIT_COST
        with clock.frozen_at(self.at(cost["set"])):
            set_unit_cost(
                by=admin,
                organisation=buyer,
                unit=cost["unit"],
                cost_per_unit=cost["cost_per_unit"],
                label=cost["label"],
            )
        return outcome


def load(loader) -> Outcome:
    """Play the marketplace demo; returns the finished call-off."""
    return _Marketplace(loader).run()
