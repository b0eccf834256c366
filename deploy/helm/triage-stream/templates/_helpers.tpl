{{/* Name of the chart, overridable. */}}
{{- define "triage-stream.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Base name of every object. Kept to 45 characters so "<fullname>-<service>"
(longest: "-approval-worker") stays within the 63 allowed for names.
*/}}
{{- define "triage-stream.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 45 | trimSuffix "-" }}
{{- else if contains (include "triage-stream.name" .) .Release.Name }}
{{- .Release.Name | trunc 45 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "triage-stream.name" .) | trunc 45 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "triage-stream.selectorLabels" -}}
app.kubernetes.io/name: {{ include "triage-stream.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "triage-stream.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "triage-stream.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "triage-stream.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/*
The autoscaling settings of one service: its own `autoscaling` keys over the
shared ones. Called with a dict of "root" (the top context) and "svc" (a
services entry); yields YAML for fromYaml.
*/}}
{{- define "triage-stream.autoscaling" -}}
{{- toYaml (merge (deepCopy (default dict .svc.autoscaling)) .root.Values.autoscaling) }}
{{- end }}

{{/* "true" when KEDA, not the CPU HPA, scales this service (a stream stage with keda on). */}}
{{- define "triage-stream.kedaScaled" -}}
{{- if and .root.Values.keda.enabled (hasKey .svc "consumer") }}true{{ end }}
{{- end }}
