"""What every app of the platform shares and that depends on no app: the refusals
(`errors`), roles and who may see what (`roles`, `access`), database helpers and advisory
locks (`database`), error pages (`error_pages`), page parts kept rendered (`fragments`)
and QR codes (`qr`). Apps import from here; nothing here imports an app."""
