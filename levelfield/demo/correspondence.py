"""The demo's private correspondence: after the highway drainage tender's deadline, Daniel
Okafor asks Tarrant Highways to clarify its bid, Gareth Price answers, and Daniel reads the
answer (the buyer's tender page links to the thread; Gareth finds it from his dashboard)."""

from levelfield.core import clock
from levelfield.correspondence import actions
from levelfield.correspondence.models import Purpose
from levelfield.tenders.models import Tender


def highways_clarification(loader, title: str) -> None:
    tender = Tender.objects.get(title=title)
    officer = loader.people["officer"]
    supplier = loader.suppliers["tarrant"]
    with clock.frozen_at(loader.at(-12, 10)):
        thread = actions.start_thread(
            tender=tender,
            supplier=supplier,
            by=officer,
            purpose=Purpose.BID_CLARIFICATION,
            subject="Gully cleansing: night working in your method statement",
            body=(
                "Your answer to question 1 of lot 1 says cleansing on main roads is done at "
                "night. Please confirm whether your price includes the night-time traffic "
                "management on the A roads, or whether it is priced separately."
            ),
        )
    with clock.frozen_at(loader.at(-11, 15)):
        actions.mark_read(thread=thread, by=loader.supplier_users["tarrant"])
        actions.send_message(
            thread=thread,
            by=loader.supplier_users["tarrant"],
            body=(
                "Our price includes the night-time traffic management on the A roads: it is in "
                "line 4 of our pricing schedule (traffic management, all roads)."
            ),
        )
    with clock.frozen_at(loader.at(-10, 9)):
        actions.mark_read(thread=thread, by=officer)
