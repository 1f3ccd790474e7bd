"""The case pages, by who uses them: `applicant` (my cases, filing), `case_page` (one
case as each role sees it), `actions` (what is posted from it), `lists` (the staff work
lists); `common` holds what they share."""
