#!/usr/bin/env bash
# The README's API examples, every one of them, in order: a ticket opened, routed, worked, visited on site,
# signed, written up in a service sheet, resolved and closed; then the knowledge base, the lead pool and
# the dashboard. Run it against `npm start` (demo data loaded) from the repository's root:
#
#   bash docs/examples/walkthrough.sh
#
# It needs curl and node. The commands are the README's, word for word (a test checks that every curl
# command of the README is here, and runs this script against running services); what is only here is
# the waiting in between, where a service learns of another's change from Kafka.
#
# Environment: TOKEN (a lead's token; signed by deploy/local/sign-token.js when unset), AUTH_JWT_SECRET (the
# development default when unset), INTAKE_URL, ROUTING_URL, SLA_MONITOR_URL, FIELD_SERVICE_URL,
# KNOWLEDGE_BASE_URL, LEAD_POOL_URL, DASHBOARD_URL (default: npm start's ports, 127.0.0.1:3000-3006).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# the README's base URLs, and where the services really are
SERVICE_BASES="3000=${DASHBOARD_URL:-} 3001=${INTAKE_URL:-} 3002=${ROUTING_URL:-} 3003=${SLA_MONITOR_URL:-} 3004=${FIELD_SERVICE_URL:-} 3005=${KNOWLEDGE_BASE_URL:-} 3006=${LEAD_POOL_URL:-}"
on_services() {
  local arg=$1 pair
  for pair in $SERVICE_BASES; do
    [[ -n "${pair#*=}" ]] && arg="${arg//http:\/\/127.0.0.1:${pair%%=*}/${pair#*=}}"
  done
  printf '%s' "$arg"
}

# every README command goes through this: it shows what it calls, sends it where the services are, and
# stops the walkthrough at the first answer that is not 2xx (curl --fail-with-body), showing the answer.
# A 404 is asked again for a few seconds: a service knows another's record once the event has reached it.
curl() {
  local args=() arg out status attempt
  for arg in "$@"; do args+=("$(on_services "$arg")"); done
  local method=GET url=
  for arg in "$@"; do
    [[ "$arg" == http://* && -z "$url" ]] && url=$arg
    [[ "$method" == -X ]] && method=$arg
    [[ "$arg" == -X ]] && method=-X
  done
  echo "» $method $url" >&2
  for attempt in $(seq 1 50); do
    status=0
    out=$(command curl --fail-with-body -w '\n%{http_code}' "${args[@]}") || status=$?
    [[ "${out##*$'\n'}" == 404 && $attempt -lt 50 ]] || break
    sleep 0.2
  done
  printf '%s\n' "${out%$'\n'*}"
  # a stream read for a while ends by --max-time (curl exit 28): its normal end
  if ((status != 0)) && ! [[ $status == 28 && " $* " == *" -sN "* ]]; then
    echo "walkthrough: FAILED (curl exit $status, HTTP ${out##*$'\n'}): curl $*" >&2
    return "$status"
  fi
}

# the README's pauses: wait until a field of a GET's answer has a value (nothing here is printed)
wait_for() {
  local url=$1 path=$2 want=$3
  for _ in $(seq 1 150); do
    [[ "$(command curl -s "$(on_services "$url")" -H "Authorization: Bearer $TOKEN" | field "$path" 2>/dev/null)" == "$want" ]] && return 0
    sleep 0.2
  done
  echo "walkthrough: $url never had $path = $want" >&2
  return 1
}

TOKEN="${TOKEN:-$(node deploy/local/sign-token.js lead m-lead-zhang 张老板)}"

## Calling the API

field() { node -pe "JSON.parse(require('fs').readFileSync(0, 'utf8')).$1"; }   # one field of a JSON answer, like jq -r .id

# open a ticket (201 { id, state: "received", version: 1 }); the same Idempotency-Key again creates nothing new
KEY=$(node -p 'crypto.randomUUID()')
ID=$(curl -s -X POST http://127.0.0.1:3001/v1/tickets \
  -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -H "Idempotency-Key: $KEY" \
  -d '{"channel":"api","customer":{"name":"王女士","phone":"+86 138 0013 8000"},
       "deviceModel":"Dell XPS 15","problem":"开机蓝屏 0x0000007B","urgency":"urgent","triage":{"faultCategory":"operating-system"}}' | field id)

wait_for "http://127.0.0.1:3001/v1/tickets/$ID" state assigned

# routing assigned it within moments (state "assigned", assignee, version 2)
curl -s http://127.0.0.1:3001/v1/tickets/$ID -H "Authorization: Bearer $TOKEN"

# work it; If-Match makes the command fail with 409 if someone changed the ticket since you read its version
VERSION=$(curl -s http://127.0.0.1:3001/v1/tickets/$ID -H "Authorization: Bearer $TOKEN" | field version)
curl -s -X POST http://127.0.0.1:3001/v1/tickets/$ID/contact -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -H "If-Match: \"$VERSION\"" -d '{"channel":"phone","note":"客户描述开机即蓝屏"}'
curl -s -X POST http://127.0.0.1:3001/v1/tickets/$ID/diagnosis -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"faultCategory":"operating-system","scenario":"blue-screen-storage-driver","difficulty":"common"}'

curl -s http://127.0.0.1:3001/v1/tickets/$ID/history -H "Authorization: Bearer $TOKEN"
curl -s http://127.0.0.1:3001/v1/tickets/$ID/history/verify -H "Authorization: Bearer $TOKEN"

## Routing: who works a ticket

# the roster (lead only to change it); every change is an event: GET /v1/members/:id/history
curl -s -X POST http://127.0.0.1:3002/v1/members -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -H 'Idempotency-Key: roster-c-sun' \
  -d '{"memberId":"c-sun","role":"contractor","name":"孙师傅","tier":"L1","skills":[],
       "scenarios":["printer-driver-reinstall"],"capacity":3,"onDuty":false}'
curl -s -X POST http://127.0.0.1:3002/v1/members/c-sun/on-duty -H "Authorization: Bearer $TOKEN"
curl -s -X POST http://127.0.0.1:3002/v1/members/c-sun/off-duty -H "Authorization: Bearer $TOKEN"
curl -s http://127.0.0.1:3002/v1/queue -H "Authorization: Bearer $TOKEN"       # waiting tickets, in order
curl -s 'http://127.0.0.1:3002/v1/members?limit=2' -H "Authorization: Bearer $TOKEN"   # a page; its nextCursor goes back as &cursor=
# a lead's manual (re)assignment, checked against the same rules (409 with the reason)
curl -s -X POST http://127.0.0.1:3002/v1/assignments -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -d '{"ticketId":"'$ID'","memberId":"m-senior-li","reason":"knows this customer"}'

wait_for "http://127.0.0.1:3001/v1/tickets/$ID" assignee.id m-senior-li

## SLA clocks

curl -s http://127.0.0.1:3003/v1/tickets/$ID/clocks -H "Authorization: Bearer $TOKEN"   # time left per rule
curl -s 'http://127.0.0.1:3003/v1/clocks?status=at-risk' -H "Authorization: Bearer $TOKEN"   # or status=breached
curl -s http://127.0.0.1:3003/v1/policies -H "Authorization: Bearer $TOKEN"   # rules + calendar (ETag "<version>"); a lead PUTs a new one with If-Match (428 without)

## On-site visits and service sheets

# ask for a visit (201 { id, status: "requested", version })
VISIT=$(curl -s -X POST http://127.0.0.1:3004/v1/visits -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"ticketId":"'$ID'","reason":"remote guidance could not fix it"}' | field id)
# book it: technician, a window that starts in the future (here in 2 h), address (GNU date; on macOS: date -u -v+2H ...)
START=$(date -u -d '+2 hours' +%FT%TZ) END=$(date -u -d '+4 hours' +%FT%TZ)
curl -s -X POST http://127.0.0.1:3004/v1/visits/$VISIT/schedule -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"technician":{"id":"m-senior-li","role":"senior","name":"李工"},"window":{"start":"'$START'","end":"'$END'"},"address":"上海市徐汇区漕溪北路 1 号"}'
# prepared (due 1 h before the appointment): tools, spare parts, address and device state confirmed
curl -s -X POST http://127.0.0.1:3004/v1/visits/$VISIT/preparation -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"checklist":{"tools":["螺丝刀套装","U 盘启动盘"],"spareParts":[],"addressConfirmed":true,"deviceStateConfirmed":true,"deviceState":"开机蓝屏 0x0000007B"}}'
# on site: check-in (arrivedAt defaults to now; location optional), work log entries, completion
curl -s -X POST http://127.0.0.1:3004/v1/visits/$VISIT/check-in -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"location":{"latitude":31.1955,"longitude":121.4365}}'
curl -s -X POST http://127.0.0.1:3004/v1/visits/$VISIT/work-log -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"entry":"BIOS 中硬盘模式被改成 RAID，改回 AHCI"}'
curl -s -X POST http://127.0.0.1:3004/v1/visits/$VISIT/completion -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"workDone":"硬盘模式改回 AHCI，系统正常启动","customerTested":true,"usageNotes":"BIOS 更新后请勿更改硬盘模式"}'
# the customer signs: a PNG or JPEG (at most 256 KiB), base64; here a 1x1 PNG (yours: "imageBase64":"'$(base64 -w0 signature.png)'")
SIGNATURE=iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==
curl -s -X POST http://127.0.0.1:3004/v1/visits/$VISIT/signature -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"signerName":"王女士","mediaType":"image/png","imageBase64":"'$SIGNATURE'"}'
curl -s http://127.0.0.1:3004/v1/visits/$VISIT/history/verify -H "Authorization: Bearer $TOKEN"   # hash chain and signature
DAY=$(TZ=Asia/Shanghai date -d "$START" +%F)   # the appointment's date in the team's time zone
curl -s "http://127.0.0.1:3004/v1/technicians/m-senior-li/day?date=$DAY" -H "Authorization: Bearer $TOKEN"

# the on-site service sheet: drafted, revised, submitted (it takes the visit's signature), approved, archived
SHEET=$(curl -s -X POST http://127.0.0.1:3004/v1/sheets -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"ticketId":"'$ID'","visitId":"'$VISIT'","kind":"on-site","contents":{"customer":{"name":"王女士","contact":"+86 138 0013 8000"},
       "device":"Dell XPS 15","problem":"开机蓝屏 0x0000007B","diagnosis":"BIOS 硬盘模式为 RAID，系统无对应驱动",
       "workDone":"硬盘模式改回 AHCI","partsUsed":[],"timeSpentMinutes":40,"result":"fixed"}}' | field id)
curl -s -X PUT http://127.0.0.1:3004/v1/sheets/$SHEET/contents -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"contents":{"customer":{"name":"王女士","contact":"+86 138 0013 8000"},
       "device":"Dell XPS 15","problem":"开机蓝屏 0x0000007B","diagnosis":"BIOS 硬盘模式为 RAID，系统无对应驱动",
       "workDone":"硬盘模式改回 AHCI，更新 BIOS","partsUsed":[{"name":"U 盘启动盘","quantity":1}],"timeSpentMinutes":55,"result":"fixed"}}'
curl -s -X POST http://127.0.0.1:3004/v1/sheets/$SHEET/submission -H "Authorization: Bearer $TOKEN"
curl -s -X POST http://127.0.0.1:3004/v1/sheets/$SHEET/approval -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"note":"记录完整"}'
curl -s -X POST http://127.0.0.1:3004/v1/sheets/$SHEET/archive -H "Authorization: Bearer $TOKEN"

wait_for "http://127.0.0.1:3001/v1/tickets/$ID" state resolved

# the visit's completion resolved the ticket: feedback, then the lead closes it
curl -s -X POST http://127.0.0.1:3001/v1/tickets/$ID/feedback -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"satisfaction":5,"comment":"师傅很专业"}'
curl -s -X POST http://127.0.0.1:3001/v1/tickets/$ID/close -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{}'
curl -s "http://127.0.0.1:3001/v1/tickets/$ID/history?order=occurred" -H "Authorization: Bearer $TOKEN"   # every step, by when it happened

## Knowledge base

# a senior writes an SOP, a lead (not its author: 409) publishes it; PUT /v1/articles/:id writes a new version
SENIOR_TOKEN=$(node deploy/local/sign-token.js senior m-senior-li 李工)
ARTICLE=$(curl -s -X POST http://127.0.0.1:3005/v1/articles -H "Authorization: Bearer $SENIOR_TOKEN" -H 'Content-Type: application/json' \
  -d '{"kind":"sop","title":"Windows 蓝屏 0x0000007B 处理流程","body":"进入 BIOS 确认硬盘模式……","scenarioId":"blue-screen-storage-driver","tags":["蓝屏"]}' | field id)
curl -s -X PUT http://127.0.0.1:3005/v1/articles/$ARTICLE -H "Authorization: Bearer $SENIOR_TOKEN" -H 'Content-Type: application/json' \
  -d '{"title":"Windows 蓝屏 0x0000007B 处理流程","body":"进入 BIOS 确认硬盘模式（AHCI / RAID），改回 AHCI 后重启。","scenarioId":"blue-screen-storage-driver","tags":["蓝屏","bios"]}'
curl -s -X POST http://127.0.0.1:3005/v1/articles/$ARTICLE/submission -H "Authorization: Bearer $SENIOR_TOKEN"
curl -s -X POST http://127.0.0.1:3005/v1/articles/$ARTICLE/publication -H "Authorization: Bearer $TOKEN"   # or .../change-request {reason}; later .../retirement {reason}
curl -s "http://127.0.0.1:3005/v1/articles/$ARTICLE/diff?from=1&to=2" -H "Authorization: Bearer $TOKEN"   # unified diff
curl -s -G http://127.0.0.1:3005/v1/search --data-urlencode 'q=蓝屏' -d 'types=sop,faq,case' -H "Authorization: Bearer $TOKEN"   # ranked, with versions
# the scenario catalogue: a lead links the SOP (and only a lead marks a scenario fixed, i.e. contractor-safe)
curl -s -X PUT http://127.0.0.1:3005/v1/scenarios/blue-screen-storage-driver -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"faultCategory":"operating-system","name":"蓝屏（存储驱动）","fixed":false,"sopArticleId":"'$ARTICLE'"}'
curl -s 'http://127.0.0.1:3005/v1/analyses?status=open' -H "Authorization: Bearer $TOKEN"   # with dueAt (3 working days)
curl -s http://127.0.0.1:3005/v1/kcs -H "Authorization: Bearer $TOKEN"                      # SOP linked at resolution, reuse per article

## Lead pool

# the lead sets the ratios (members of the roster, never contractors) and how long a member has to accept
curl -s -X PUT http://127.0.0.1:3006/v1/ratios -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"ratios":[{"memberId":"m-agent-wang","weight":2},{"memberId":"m-agent-chen","weight":2},{"memberId":"m-senior-li","weight":1}],"acceptMinutes":30}'
# a member registers a lead (201; 200 with merged: true when the contact is in the pool already); other systems POST /v1/webhooks/leads
MEMBER_TOKEN=$(node deploy/local/sign-token.js agent m-agent-wang 小王)
curl -s -X POST http://127.0.0.1:3006/v1/leads -H "Authorization: Bearer $MEMBER_TOKEN" -H 'Content-Type: application/json' \
  -d '{"platform":"douyin","account":"@studio-wang","customerHandle":"夜猫主播","contact":{"wechat":"yemao_live"}}'
# the ISO week (the team's, Asia/Shanghai) of now
WEEK=$(TZ=Asia/Shanghai date +%G-W%V)
curl -s "http://127.0.0.1:3006/v1/ledger?week=$WEEK" -H "Authorization: Bearer $TOKEN"   # contributed / received / expected per member
curl -s http://127.0.0.1:3006/v1/hoarding-flags -H "Authorization: Bearer $TOKEN"

## Dashboard

curl -s 'http://127.0.0.1:3000/v1/queue?state=assigned' -H "Authorization: Bearer $TOKEN"
curl -s http://127.0.0.1:3000/v1/sla-board -H "Authorization: Bearer $TOKEN"          # clocks at risk or breached, soonest due first
curl -s "http://127.0.0.1:3000/v1/kpis/weekly?week=$WEEK" -H "Authorization: Bearer $TOKEN"
curl -s "http://127.0.0.1:3000/v1/reports/weekly.csv?week=$WEEK" -H "Authorization: Bearer $TOKEN"   # for the customer-service desk
curl -sN --max-time 5 http://127.0.0.1:3000/v1/live -H "Authorization: Bearer $TOKEN"   # server-sent events (5 s; without --max-time until Ctrl-C)
curl -s http://127.0.0.1:3000/v1/trends/rates -H "Authorization: Bearer $TOKEN"            # { weeks }: response and resolution rate, last 12 ISO weeks
curl -s http://127.0.0.1:3000/v1/trends/sla-compliance -H "Authorization: Bearer $TOKEN"   # { rules, weeks }: compliance per rule, same weeks
curl -s http://127.0.0.1:3000/v1/trends/queue-depth -H "Authorization: Bearer $TOKEN"      # { hours }: open tickets at the end of each of the last 24 hours
curl -s http://127.0.0.1:3000/v1/trends/breaches -H "Authorization: Bearer $TOKEN"         # { days }: clocks breached per day, last 28 days

curl -s http://127.0.0.1:3000/v1/projections/checksum -H "Authorization: Bearer $TOKEN"   # { checksum, rows }
curl -s -X POST http://127.0.0.1:3000/v1/projections/rebuild -H "Authorization: Bearer $TOKEN"   # 202; lead or service
curl -s http://127.0.0.1:3000/v1/projections/status -H "Authorization: Bearer $TOKEN"     # { lag, caughtUp }

## As of any instant

# an instant: ISO 8601 with an offset, not in the future (here: now, to the second; any past one will do)
AT=$(date -u +%FT%TZ)
curl -si "http://127.0.0.1:3001/v1/tickets/$ID?asOf=$AT" -H "Authorization: Bearer $TOKEN"   # headers As-Of (the instant, UTC) and As-Of-Position (the last seq included)
curl -s "http://127.0.0.1:3001/v1/tickets/$ID/history?asOf=$AT" -H "Authorization: Bearer $TOKEN"    # the history cut at the instant
curl -s "http://127.0.0.1:3003/v1/tickets/$ID/clocks?asOf=$AT" -H "Authorization: Bearer $TOKEN"     # its clocks then, the time left then
curl -s "http://127.0.0.1:3003/v1/clocks?status=at-risk&asOf=$AT" -H "Authorization: Bearer $TOKEN"
curl -s "http://127.0.0.1:3000/v1/queue?asOf=$AT" -H "Authorization: Bearer $TOKEN"
curl -s "http://127.0.0.1:3000/v1/sla-board?asOf=$AT" -H "Authorization: Bearer $TOKEN"
curl -s "http://127.0.0.1:3000/v1/kpis/weekly?asOf=$AT" -H "Authorization: Bearer $TOKEN"           # the week of the instant, as its events stood then

## What if?

# a past period (at most 92 days, to not in the future): here the last week up to now (GNU date; on macOS: date -u -v-7d ...)
FROM=$(date -u -d '7 days ago' +%FT%TZ)
TO=$(date -u +%FT%TZ)
# the SLA policy in force with a faster first contact (20 min urgent, 45 normal) as the proposal
SLA=$(curl -s http://127.0.0.1:3003/v1/policies -H "Authorization: Bearer $TOKEN" | node -pe "const p = JSON.parse(require('fs').readFileSync(0, 'utf8')); for (const r of p.rules) if (r.id === 'first-contact') r.targetMinutes = { urgent: 20, normal: 45 }; JSON.stringify({ policy: { rules: p.rules, calendar: p.calendar } })")
# three proposals at once (each part is optional), lead only: { period, parts, comparison, assumptions }
curl -s -X POST http://127.0.0.1:3000/v1/simulations -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"from":"'$FROM'","to":"'$TO'","sla":'"$SLA"',"routing":{"roster":{"members":[{"memberId":"m-agent-chen","capacity":2}]}},"leads":{"ratios":[{"memberId":"m-agent-wang","weight":1},{"memberId":"m-agent-chen","weight":1},{"memberId":"m-senior-li","weight":1}]}}'
# the same as CSV, a line per figure and per assumption, for a spreadsheet
curl -s -X POST http://127.0.0.1:3000/v1/simulations -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -H 'Accept: text/csv' \
  -d '{"from":"'$FROM'","to":"'$TO'","leads":{"ratios":[{"memberId":"m-agent-wang","weight":1},{"memberId":"m-agent-chen","weight":1},{"memberId":"m-senior-li","weight":1}]}}'

## Webhooks for partner systems

# subscribe (201): the answer holds the generated signing secret, in this answer only
SUBSCRIPTION=$(curl -s -X POST http://127.0.0.1:3001/v1/webhook-subscriptions -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"url":"https://partner.example.com/support-ops/webhooks","eventTypes":["support.ticket.received.v1","support.ticket.resolved.v1","support.ticket.closed.v1"]}' | field id)
curl -s http://127.0.0.1:3001/v1/webhook-subscriptions/$SUBSCRIPTION -H "Authorization: Bearer $TOKEN"              # url, eventTypes, status; ETag
curl -s "http://127.0.0.1:3001/v1/webhook-subscriptions/$SUBSCRIPTION/deliveries?limit=20" -H "Authorization: Bearer $TOKEN"   # newest first

echo "walkthrough: every example answered 2xx (ticket $ID, visit $VISIT, sheet $SHEET, article $ARTICLE)" >&2
