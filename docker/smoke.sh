#!/usr/bin/env bash
# Black-box smoke test of a running compose stack (docker/compose.yaml, or the local stack of
# docker/local/stack.sh), from outside the containers, through the published ports only:
#   1. as the bootstrap admin, create a throw-away user (admin REST API);
#   2. log that user in through Keycloak's login form as the account console does (authorization
#      code + PKCE, client account-console) and mint a key with the self-service REST API
#      (POST /realms/inference/api-keys, docs/api-keys-contract.md);
#   3. call the gateway with the key: model list, a chat completion, a streamed one;
#   4. revoke the key (DELETE …/api-keys/{keyId}) and measure until the gateway refuses it (401);
#   5. delete the user.
# Prints one line per step with its time; exits non-zero at the first failure. The key and the
# passwords never reach a URL, a command line or the output (curl reads them from files).
#
#   docker/smoke.sh                      # the local stack: values from docker/local/.env.local
#   SMOKE_ENV_FILE=docker/.env docker/smoke.sh
# Overrides: SMOKE_KEYCLOAK_URL (default KC_HOSTNAME, else http://localhost:8080),
# SMOKE_GATEWAY_URL (http://localhost:8000), SMOKE_MODEL (VLLM_MODEL_A), SMOKE_WAIT_SECONDS (600).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
env_file=${SMOKE_ENV_FILE:-$here/local/.env.local}
if [ -f "$env_file" ]; then set -a; . "$env_file"; set +a; fi
: "${KC_BOOTSTRAP_ADMIN_USERNAME:?set KC_BOOTSTRAP_ADMIN_USERNAME (or SMOKE_ENV_FILE)}"
: "${KC_BOOTSTRAP_ADMIN_PASSWORD:?set KC_BOOTSTRAP_ADMIN_PASSWORD (or SMOKE_ENV_FILE)}"
kc=${SMOKE_KEYCLOAK_URL:-${KC_HOSTNAME:-http://localhost:8080}}
gw=${SMOKE_GATEWAY_URL:-http://localhost:8000}
model=${SMOKE_MODEL:-${VLLM_MODEL_A:?set SMOKE_MODEL or VLLM_MODEL_A}}
wait_seconds=${SMOKE_WAIT_SECONDS:-600}
realm=$kc/realms/inference

tmp=$(mktemp -d)
chmod 700 "$tmp"
user_id=""
admin_header=$tmp/admin-auth
cleanup() {
  if [ -n "$user_id" ] && [ -f "$admin_header" ]; then
    curl -s -o /dev/null -X DELETE -H @"$admin_header" "$kc/admin/realms/inference/users/$user_id" || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
started=$(now_ms)
step_started=$started
step() { # label: prints the time since the previous step
  local t; t=$(now_ms)
  printf '%-58s %7d ms\n' "$1" $((t - step_started))
  step_started=$t
}
fail() { echo "FAIL: $*" >&2; exit 1; }
# A file curl reads a header from (-H @file), so the secret is not in the process list.
bearer_file() { printf 'Authorization: Bearer %s\n' "$2" > "$1"; }
form_secret() { printf '%s' "$2" > "$1"; }   # a form value curl reads from a file (--data-urlencode name@file)
# status code of a request; the body goes to $tmp/body
status() { curl -s -o "$tmp/body" -w '%{http_code}' "$@"; }

# --- 0. wait for the stack -------------------------------------------------------------------
deadline=$(( $(date +%s) + wait_seconds ))
until [ "$(status "$realm/.well-known/openid-configuration")" = 200 ]; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "Keycloak did not serve realm inference at $realm within ${wait_seconds}s"
  sleep 2
done
until [ "$(status "$gw/v1/models")" = 401 ]; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "the gateway at $gw did not answer /v1/models without a key with 401 within ${wait_seconds}s"
  sleep 2
done
step "stack up (Keycloak realm served, gateway refuses no key)"

# --- 1. a throw-away user, as the bootstrap admin -----------------------------------------------
form_secret "$tmp/admin-password" "$KC_BOOTSTRAP_ADMIN_PASSWORD"
code=$(status -X POST "$kc/realms/master/protocol/openid-connect/token" \
  --data-urlencode grant_type=password --data-urlencode client_id=admin-cli \
  --data-urlencode "username=$KC_BOOTSTRAP_ADMIN_USERNAME" --data-urlencode "password@$tmp/admin-password")
[ "$code" = 200 ] || fail "admin token: HTTP $code"
bearer_file "$admin_header" "$(jq -r .access_token "$tmp/body")"

username=smoke-$(date +%s)-$RANDOM
password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
jq -n --arg u "$username" --arg p "$password" '{username: $u, enabled: true, email: ($u + "@smoke.invalid"),
  emailVerified: true, firstName: "Smoke", lastName: "Test",
  credentials: [{type: "password", value: $p, temporary: false}]}' > "$tmp/user.json"
code=$(curl -s -o /dev/null -D "$tmp/headers" -w '%{http_code}' -X POST -H @"$admin_header" \
  -H 'Content-Type: application/json' --data-binary @"$tmp/user.json" "$kc/admin/realms/inference/users")
[ "$code" = 201 ] || fail "create user: HTTP $code"
user_id=$(sed -n 's|^[Ll]ocation: .*/users/\([^[:space:]]*\).*|\1|p' "$tmp/headers")
rm -f "$tmp/user.json"
step "user $username created (admin REST)"

# --- 2. log in as the account console does, mint a key ----------------------------------------
verifier=$(head -c 48 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
challenge=$(printf '%s' "$verifier" | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '=\n')
redirect=$realm/account/
jar=$tmp/cookies
code=$(status -c "$jar" -b "$jar" -G "$realm/protocol/openid-connect/auth" \
  --data-urlencode client_id=account-console --data-urlencode "redirect_uri=$redirect" \
  --data-urlencode response_type=code --data-urlencode scope=openid --data-urlencode state=smoke \
  --data-urlencode "code_challenge=$challenge" --data-urlencode code_challenge_method=S256)
[ "$code" = 200 ] || fail "login page: HTTP $code"
action=$(grep -o '<form[^>]*action="[^"]*"' "$tmp/body" | head -1 | sed 's/.*action="\([^"]*\)"/\1/; s/&amp;/\&/g')
[ -n "$action" ] || fail "no login form on the login page"
form_secret "$tmp/user-password" "$password"
curl -s -o /dev/null -D "$tmp/headers" -c "$jar" -b "$jar" -X POST "$action" \
  --data-urlencode "username=$username" --data-urlencode "password@$tmp/user-password"
location=$(sed -n 's/^[Ll]ocation: \(.*\)$/\1/p' "$tmp/headers" | tr -d '\r')
case $location in
  "$redirect"*code=*) ;;
  *) fail "login did not send the browser back with a code (Location: ${location:-none})" ;;
esac
auth_code=$(printf '%s' "$location" | sed 's/.*[?&#]code=\([^&]*\).*/\1/')
code=$(status -X POST "$realm/protocol/openid-connect/token" --data-urlencode grant_type=authorization_code \
  --data-urlencode client_id=account-console --data-urlencode "code=$auth_code" \
  --data-urlencode "redirect_uri=$redirect" --data-urlencode "code_verifier=$verifier")
[ "$code" = 200 ] || fail "code exchange: HTTP $code $(jq -c '{error}' "$tmp/body" 2>/dev/null)"
bearer_file "$tmp/user-auth" "$(jq -r .access_token "$tmp/body")"
step "user logged in (login form, account-console, PKCE)"

code=$(status -X POST -H @"$tmp/user-auth" -H 'Content-Type: application/json' \
  --data "{\"name\":\"smoke $username\",\"project\":\"personal\"}" "$realm/api-keys")
[ "$code" = 201 ] || fail "mint: HTTP $code $(jq -c '{error,error_description}' "$tmp/body" 2>/dev/null)"
key_id=$(jq -r .keyId "$tmp/body")
bearer_file "$tmp/key-auth" "$(jq -r .key "$tmp/body")"
: > "$tmp/body"
step "key $key_id minted (POST /realms/inference/api-keys)"

# --- 3. the gateway with the key -----------------------------------------------------------
code=$(status -H @"$tmp/key-auth" "$gw/v1/models")
[ "$code" = 200 ] || fail "GET /v1/models with the key: HTTP $code $(head -c 300 "$tmp/body")"
jq -e --arg m "$model" '.data | map(.id) | index($m)' "$tmp/body" > /dev/null \
  || fail "model $model not in the gateway's list: $(jq -c '[.data[].id]' "$tmp/body")"
step "GET /v1/models with the key: 200, lists $model"

chat() { # stream(true|false)
  jq -n --arg m "$model" --argjson s "$1" '{model: $m, stream: $s, max_tokens: 16,
    messages: [{role: "user", content: "Say hello."}]}'
}
code=$(status -H @"$tmp/key-auth" -H 'Content-Type: application/json' --data "$(chat false)" "$gw/v1/chat/completions")
[ "$code" = 200 ] || fail "chat completion: HTTP $code $(head -c 300 "$tmp/body")"
jq -e '.choices[0].message.content | length > 0' "$tmp/body" > /dev/null || fail "chat completion without content"
step "POST /v1/chat/completions: 200 with content"

timing=$(curl -s -N -o "$tmp/stream" -w '%{http_code} %{time_starttransfer} %{time_total}' -H @"$tmp/key-auth" \
  -H 'Content-Type: application/json' --data "$(chat true)" "$gw/v1/chat/completions")
read -r code first total <<< "$timing"
[ "$code" = 200 ] || fail "streamed chat completion: HTTP $code $(head -c 300 "$tmp/stream")"
chunks=$(grep -c '^data: {' "$tmp/stream" || true)
[ "$chunks" -gt 0 ] && [ "$(grep '^data: ' "$tmp/stream" | tail -1)" = 'data: [DONE]' ] \
  || fail "stream: $chunks chunks, last line $(grep '^data: ' "$tmp/stream" | tail -1)"
step "streamed: $chunks chunks + [DONE], first byte ${first}s, all ${total}s"

# --- 4. revoke, until the gateway refuses ------------------------------------------------------
code=$(status -X DELETE -H @"$tmp/user-auth" "$realm/api-keys/$key_id")
[ "$code" = 204 ] || fail "revoke: HTTP $code"
revoked=$(now_ms)
step "key revoked (DELETE /realms/inference/api-keys/$key_id)"
until [ "$(status -H @"$tmp/key-auth" "$gw/v1/models")" = 401 ]; do
  [ $(( $(now_ms) - revoked )) -lt 30000 ] || fail "the gateway still accepts the revoked key after 30 s"
  sleep 0.1
done
refused_after=$(( $(now_ms) - revoked ))
jq -e '.error.message | length > 0' "$tmp/body" > /dev/null || fail "401 without an OpenAI-style error body"
code=$(status -H @"$tmp/key-auth" -H 'Content-Type: application/json' --data "$(chat false)" "$gw/v1/chat/completions")
[ "$code" = 401 ] || fail "chat completion with the revoked key: HTTP $code"
step "gateway refuses the revoked key (401), ${refused_after} ms after the revocation"

printf '%-58s %7d ms\n' "SMOKE PASSED (total)" $(( $(now_ms) - started ))
