#!/usr/bin/env bash
# Refuses a deployment whose repository variables would produce a broken one: an empty or
# malformed ALERT_EMAIL gives an action group that Azure rejects (or one that mails nobody), and a
# malformed OPERATOR_IP a firewall rule Azure rejects. Names the variable and the fix.
set -euo pipefail

fail=0
email_re='^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'
if [[ -z "${ALERT_EMAIL:-}" ]]; then
  echo "::error::ALERT_EMAIL is not set: set the repository variable ALERT_EMAIL to the address that receives ETL alerts."
  fail=1
elif [[ ! "$ALERT_EMAIL" =~ $email_re ]]; then
  echo "::error::ALERT_EMAIL is not an e-mail address: set the repository variable ALERT_EMAIL to one address, like ops@example.edu."
  fail=1
fi
ip_re='^([0-9]{1,3}\.){3}[0-9]{1,3}(/([0-9]|[12][0-9]|3[0-2]))?$'
if [[ -n "${OPERATOR_IP:-}" && ! "$OPERATOR_IP" =~ $ip_re ]]; then
  echo "::error::OPERATOR_IP is not an IPv4 address or CIDR range: set it like 203.0.113.7 or 203.0.113.0/28, or leave it empty."
  fail=1
fi
exit "$fail"
