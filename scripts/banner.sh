#!/usr/bin/env bash
# What `make run` prints before serving: the address, the pages and how to log in.
host=${1:-127.0.0.1}
port=${2:-8000}
url="http://${host}:${port}"
cat <<EOT

  onething — 一件事一次办 is starting on  ${url}/

  Pages:   ${url}/                       办事指南: package list and search
           ${url}/guides/open_pharmacy    我要开药店: questions, merged guide, PDF, QR, 在线申报
           ${url}/accounts/login          log in; each role lands on its own page:
           ${url}/my/                     applicant and agent: my cases
           ${url}/window/                 window clerk: accept, notices, handover
           ${url}/review/                 department reviewer: my tasks by due date
           ${url}/supervision/            supervisor: all cases, overdue first
           ${url}/licences/               applicant: my electronic certificates (电子证照)
           ${url}/verify/                 anyone: verify a certificate by number or QR code
           ${url}/complaints/new          anyone: complaints and requests (12345), tracked by code
           ${url}/dashboard/              supervisor: figures, charts, CSV; /figures/ public
           ${url}/projects/               项目: 打包办, 定制办, 联合审批, 联合验收, 全代办
           ${url}/hall/                   applicant: 预约办 (book a slot, QR); staff: 大厅 at /hall/desk/lishi
           ${url}/hall/lishi/display      the hall's calling screen; /hall/lishi/tickets?kiosk=1 取号
           ${url}/outreach/assist/        window clerk: 帮办代办; /outreach/visits/ 上门办
           ${url}/kiosk/lishi-01/?token=onething-demo-kiosk   7×24 自助终端 (1920×1080; 模拟读卡 signs 张三 in)
           ${url}/zones/                  专区办: clerk_jiaoqu imports docs/zone-sample.xlsx
           ${url}/editing/                事项编制: editor edits, publisher publishes (/editing/review)
           ${url}/admin/                  administration (catalogue versions, accounts)
  API:     ${url}/api/v1/                 schema: ${url}/openapi.json

  Demo log-ins (password onething-demo for all):
    yaofang      applicant, a pharmacy company at 离石区     zhangsan  applicant, a person
    daiban       agent authorised by yaofang
    clerk_lishi  window clerk, 离石区                       clerk     window clerk, 吕梁市
    r_mpa        reviewer, 吕梁市药品监督管理局             r_amr_lishi  reviewer, 离石区市场监督管理局
                 (r_<department> at 吕梁市 and r_<department>_lishi at 离石区 for every department)
    supervisor   supervisor, 吕梁市                         supervisor_lishi  supervisor, 离石区
    editor       catalogue editor, 审批局 (/editing/)        admin     system administrator
    editor_amr   catalogue editor, 市场监督管理局 (its items)  publisher  审核发布: publishes the editors' draft
    security_admin  security administrator                 audit_admin  audit administrator
    gridco       applicant, a power company at 阳泉市郊区: grid projects filed as one (/projects/)
    clerk_jiaoqu window clerk, 阳泉市郊区                   r_<department>_jiaoqu  reviewers there
    r_approval_jiaoqu  审批局 coordinator of 定制办 plans     daiban_jiaoqu  agent authorised by gridco (全代办)
  Staff then give a 6-digit code: add the secret ONET HING DEMO SECR ETFO RSTA FFON LY22
  to an authenticator app (TOTP), or run  .venv/bin/onething manage demo_code

EOT
