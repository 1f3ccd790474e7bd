from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "onething.tickets"
    label = "tickets"
    verbose_name = "取号叫号"

    def ready(self) -> None:
        from onething.core.events import CaseAccepted, subscribe
        from onething.tickets.calling import link_accepted_case

        subscribe(CaseAccepted, link_accepted_case)  # the case accepted for the ticket served
