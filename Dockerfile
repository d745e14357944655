FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends gcc make \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md scrapy.cfg ./
COPY crawler ./crawler
COPY workers ./workers
COPY replica ./replica
RUN pip install --no-cache-dir .
ENV AKHBAR_HOME=/data
ENTRYPOINT ["akhbar"]
