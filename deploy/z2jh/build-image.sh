#!/usr/bin/env bash
# Build and push the single-user images from the repository's environment.yml with repo2docker.
#
#   pip install jupyter-repo2docker      # needs a Docker (or Podman) engine
#   deploy/z2jh/build-image.sh           # build both images
#   PUSH=1 deploy/z2jh/build-image.sh    # build and push to $REGISTRY
#
# repo2docker picks environment.yml at the repository root (there is no Dockerfile, binder/ or
# .binder/ folder to take precedence; tests/trainer/hub/test_deploy.py checks that). The repository is copied
# to /srv/repo, not to the home folder, where each participant's volume is mounted: the kit's
# editable install ("pip: -e ." in environment.yml) stays visible in every pod.
#
# Two images from the same build: participants run as uid 1000 (jovyan); trainers as uid 1001,
# also named jovyan, so the exchange's course folder belongs to a uid participants do not have.
# deploy/z2jh/values.yaml names both, with the tag below.
set -euo pipefail
cd "$(dirname "$0")/../.."

REGISTRY=${REGISTRY:-registry.example.vn/ocop}
TAG=${TAG:-$(python3 -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')}
PUSH_FLAG=()
if [ "${PUSH:-0}" = 1 ]; then PUSH_FLAG=(--push); fi

build() {  # build IMAGE UID
    repo2docker --no-run "${PUSH_FLAG[@]}" \
        --user-name jovyan --user-id "$2" \
        --target-repo-dir /srv/repo \
        --image-name "$REGISTRY/$1:$TAG" \
        .
}

build ocop-course-kit 1000
build ocop-course-kit-trainer 1001
echo "Built $REGISTRY/ocop-course-kit:$TAG and $REGISTRY/ocop-course-kit-trainer:$TAG"
