"""联动办 (linked handling, issue 15 point 4): departments deciding and inspecting together
on the case engine — 联合审批 (a joint meeting whose departments decide its items, the
items then advancing together), 联合验收 (a joint inspection on site) and 全代办 (staff
acting for a company under its written authorisation)."""
