#!/usr/bin/env bash
# What `make run` prints before serving: the address and how to log in.
host=${1:-127.0.0.1}
port=${2:-8000}
cat <<EOT

  onething — 一件事一次办 is starting on  http://${host}:${port}/

  Pages:   http://${host}:${port}/                      办事指南: package list and search
           http://${host}:${port}/guides/open_pharmacy   我要开药店: questions, merged guide, PDF, QR
           http://${host}:${port}/admin/                 administration (catalogue versions)
  API:     http://${host}:${port}/api/v1/packages        schema: http://${host}:${port}/openapi.json
  Log-in:  admin / onething-demo                         (demo administrator)

EOT
