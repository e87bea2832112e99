#!/usr/bin/env bash
# Standalone run (docs/module.md): builds, starts a local mosquitto on 127.0.0.1:${RUN_MQTT_PORT:-18830} (config and
# data under .run/), then the module in the foreground with the in-memory store, backup enabled (.run/backup), a
# simulated sensor publishing to its input through the broker, and a local upstream (the same broker, output1).
# Ctrl-C stops the module: it logs the backup line; the next ./run.sh logs the restore line. mosquitto is stopped when
# the module exits. Any variable of the README can be set in the environment to override the defaults below.
set -euo pipefail
cd "$(dirname "$0")"
./eng/setup.sh

run_dir="${RUN_DIR:-$PWD/.run}"
port="${RUN_MQTT_PORT:-18830}"
mkdir -p "$run_dir/mosquitto"

# The broker keeps the module's persistent session (queued input messages) across module restarts, and on disk
# across its own restarts.
cat > "$run_dir/mosquitto/mosquitto.conf" <<CONF
user $(id -un)
listener $port 127.0.0.1
allow_anonymous true
persistence true
persistence_location $run_dir/mosquitto/
max_queued_messages 1000000
log_dest file $run_dir/mosquitto/mosquitto.log
CONF

if mosquitto_sub -h 127.0.0.1 -p "$port" -t 'run/probe' -E -W 1 >/dev/null 2>&1; then
  echo "run.sh: something already listens on 127.0.0.1:$port; set RUN_MQTT_PORT to a free port" >&2
  exit 1
fi

# Its own session (setsid), so the Ctrl-C meant for the module does not kill the broker under it.
setsid /usr/sbin/mosquitto -c "$run_dir/mosquitto/mosquitto.conf" </dev/null &
broker_pid=$!
for _ in $(seq 100); do
  mosquitto_sub -h 127.0.0.1 -p "$port" -t 'run/probe' -E -W 1 >/dev/null 2>&1 && break
  kill -0 "$broker_pid" 2>/dev/null || { echo "run.sh: mosquitto failed to start; see $run_dir/mosquitto/mosquitto.log" >&2; exit 1; }
  sleep 0.1
done
echo "run.sh: mosquitto (pid $broker_pid) on 127.0.0.1:$port; watch the upstream with:"
echo "  mosquitto_sub -h 127.0.0.1 -p $port -t 'devices/+/modules/+/messages/events/#' -v"

# Stop the broker once the module (this PID, after exec) is gone.
setsid bash -c "tail --pid=$$ -f /dev/null; kill $broker_pid" </dev/null >/dev/null 2>&1 &

export UsePersistentStorage="${UsePersistentStorage:-false}"
export EnableNonPersistentStorageBackup="${EnableNonPersistentStorageBackup:-true}"
export StorageFolder="${StorageFolder:-$run_dir/storage}"
export BackupFolder="${BackupFolder:-$run_dir/backup}"
export MqttHost="${MqttHost:-127.0.0.1}" MqttPort="${MqttPort:-$port}"
export MqttDeviceId="${MqttDeviceId:-run-device}" MqttModuleId="${MqttModuleId:-EdgeModule}"
export UpstreamMqttHost="${UpstreamMqttHost:-127.0.0.1}" UpstreamMqttPort="${UpstreamMqttPort:-$port}"
export UpstreamMqttDeviceId="${UpstreamMqttDeviceId:-run-device}" UpstreamMqttModuleId="${UpstreamMqttModuleId:-EdgeModule}"
export UpstreamMqttClientId="${UpstreamMqttClientId:-run-device/EdgeModule-upstream}"
export SimulatedSensorIntervalMs="${SimulatedSensorIntervalMs:-1000}"
export StatsIntervalSecs="${StatsIntervalSecs:-10}"

# exec: the module becomes this process, so Ctrl-C / SIGTERM reach it directly.
exec dotnet src/EdgeModule/bin/Release/net10.0/EdgeModule.dll "$@"
