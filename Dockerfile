# The toolmine worker image (ledger or compute role, chosen by the command).
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONUNBUFFERED=1 LITELLM_LOCAL_MODEL_COST_MAP=True
COPY pyproject.toml README.md ./
COPY cli ./cli
COPY workflows ./workflows
COPY activities ./activities
COPY mining ./mining
COPY domains ./domains
COPY worker.py ./
RUN pip install --no-cache-dir .
CMD ["python", "worker.py"]
