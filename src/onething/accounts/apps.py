from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "onething.accounts"
    label = "accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from onething.accounts import twofactor

        # An applicant who enrolled a second factor is asked for it at every log-in.
        user_logged_in.connect(twofactor.on_log_in, dispatch_uid="onething.second_factor")
