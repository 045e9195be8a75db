# A first cut for docker compose; the deployment issue refines it.
FROM python:3.11-slim
WORKDIR /app
# DejaVu gives the /tokenize picture its whitespace markers and accents.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
ENV PIP_NO_CACHE_DIR=1 TQDM_DISABLE=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 \
    STUDYBOT_DATA_DIR=/data
# The CPU build of torch first, so nothing pulls a CUDA build in behind it.
ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu
RUN pip install --index-url "$TORCH_INDEX" torch==2.13.0
COPY pyproject.toml README.md ./
COPY catalog catalog
COPY index index
COPY bot bot
RUN pip install .
VOLUME /data
CMD ["sh", "-c", "studybot index build && studybot run"]
