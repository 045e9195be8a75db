# syntax=docker/dockerfile:1
# Two stages: "build" installs CPU torch, studybot and exports the bundled model to ONNX;
# the final stage copies only the virtualenv and the exported model onto a slim base and runs
# as an unprivileged user. Build: docker compose build. Run: see docker-compose.yml.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 TQDM_DISABLE=1 \
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PATH=/opt/venv/bin:$PATH
RUN python -m venv /opt/venv
# The CPU build of torch first, so nothing pulls a CUDA build in behind it.
ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu
RUN pip install --index-url "$TORCH_INDEX" torch==2.13.0
WORKDIR /src
COPY pyproject.toml README.md ./
COPY catalog catalog
COPY index index
COPY bot bot
RUN pip install . && rm -rf /root/.cache
# The ONNX export happens here, once, so containers answer with onnxruntime from the start.
ENV STUDYBOT_MODEL_CACHE=/opt/models
RUN python -c "from bot.config import Locations, Settings, prepare_process; s = Settings(); \
    prepare_process(s); e = Locations.from_settings(s).embedder(building=True); \
    assert e.backend == 'onnxruntime', e.notice"

FROM python:3.11-slim
# DejaVu gives the /tokenize picture its whitespace markers and accents.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --create-home --home-dir /home/studybot studybot \
    && mkdir -p /data && chown studybot:studybot /data
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=studybot:studybot /opt/models /opt/models
# The bundled catalog is the default; docker-compose.yml mounts ./catalog/data at /catalog
# and points STUDYBOT_CATALOG_DIR there, so edits reach the bot.
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 TQDM_DISABLE=1 HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 STUDYBOT_DATA_DIR=/data STUDYBOT_MODEL_CACHE=/opt/models
USER studybot
WORKDIR /home/studybot
VOLUME /data
ENTRYPOINT ["studybot"]
CMD ["run"]
