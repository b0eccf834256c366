# syntax=docker/dockerfile:1
# One image for every Triage Stream service; the command picks which one runs:
#   python -m services.ingest | guard | agent | approval | notifier
#   python -m services.approval api
# Runtime dependencies only (no dev extras): the dev broker and Redis are never shipped.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src

# Dependencies in their own layer, so a code change does not reinstall them.
# The glob copies constraints.txt only when the repository has one.
COPY pyproject.toml constraints.tx[t] ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
 && if [ -f constraints.txt ]; then set -- -c constraints.txt; fi \
 && pip install -r requirements.txt "$@"

COPY README.md ./
COPY schemas ./schemas
COPY libs ./libs
COPY services ./services
RUN if [ -f constraints.txt ]; then set -- -c constraints.txt; fi \
 && pip install --no-deps "$@" .


FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /app triage \
 && install -d -o triage -g triage /app
COPY --from=build /opt/venv /opt/venv
# faust keeps its data dir under the working directory, so it must be writable.
WORKDIR /app
USER 10001:10001
# ingest HTTP, approval-api HTTP, worker metrics
EXPOSE 8080 8081 9100
CMD ["python", "-m", "services.ingest"]
