#!/usr/bin/python3
"""The deployment files are well-formed and agree with each other.

  manifests_test.py REPO_ROOT

Builds docker/k8s with a small reader of the kustomize features the
manifests use (resources: files and folders, configMapGenerator with files,
and the rule that a kustomization reads files only below its own folder),
and, when kubectl is installed, with `kubectl kustomize` too (the two must
agree; kubectl's output is checked). Then checks:

  * the kinds: StatefulSet, its headless Service, one Service per possible
    replica (8), the HorizontalPodAutoscaler, the store (Redis StatefulSet
    and Service), the nginx Deployment and front Service, the ConfigMap;
  * the ConfigMap holds docker/nginx/tensord.conf.template byte for byte,
    and the nginx pods mount it where the nginx image renders templates;
  * replica ids come from the pod name; every replica uses the store (no
    volume of its own); gRPC liveness/readiness probes on 50051; requests
    and limits everywhere;
  * the template has what the issue asks for (hash on the session header,
    consistent; client_max_body_size 0; long gRPC timeouts; http2; 502/503/
    504 as grpc-status 14) and exactly the placeholders its users fill;
  * docker/compose.yaml: three replicas with their ids and the store,
    nginx with the same template and one published port;
  * docker/Dockerfile: two bookworm stages, bootstrap + build, non-root
    user (the uid the StatefulSet runs as), EXPOSE/HEALTHCHECK/listen.
Exit status: 0 pass, 1 failure, 77 skipped (no PyYAML).
"""

import os
import re
import shutil
import subprocess
import sys

try:
    import yaml
except ImportError:
    print("SKIP: python3-yaml is missing (script/bootstrap installs it)")
    sys.exit(77)

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
TEMPLATE = os.path.join(ROOT, "docker", "nginx", "tensord.conf.template")
PLACEHOLDERS = {"TENSORD_UPSTREAM_SERVERS", "TENSORD_LISTEN"}
REPLICAS = 3
MAX_REPLICAS = 8  # per-replica Services and nginx server lines
PORT = 50051
STORE = "redis://tensord-store:6379"

failures = []


def check(ok, what):
    print("  %s %s" % ("ok  " if ok else "FAIL", what))
    if not ok:
        failures.append(what)


# ------------------------------------------------------------- kustomize


def kustomize(folder):
    """The resources `kubectl kustomize folder` would print, as dicts."""
    path = os.path.join(folder, "kustomization.yaml")
    k = yaml.safe_load(open(path))
    out = []

    def inside(f):
        real = os.path.realpath(os.path.join(folder, f))
        if not real.startswith(os.path.realpath(folder) + os.sep):
            raise ValueError("%s: %s is outside the kustomization's folder "
                             "(kustomize refuses it)" % (path, f))
        return real

    for r in k.get("resources", []):
        full = os.path.normpath(os.path.join(folder, r))
        if os.path.isdir(full):
            out += kustomize(full)  # a base: may live anywhere
        else:
            out += [d for d in yaml.safe_load_all(open(inside(r))) if d]
    for g in k.get("configMapGenerator", []):
        data = {}
        for f in g.get("files", []):
            key, _, name = f.rpartition("=") if "=" in f else ("", "", f)
            data[key or os.path.basename(name)] = open(inside(name)).read()
        name = g["name"]
        if not k.get("generatorOptions", {}).get("disableNameSuffixHash"):
            raise ValueError("this reader does not compute kustomize's name "
                             "hash; set disableNameSuffixHash")
        out.append({"apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": {"name": name}, "data": data})
    return out


def build_k8s():
    folder = os.path.join(ROOT, "docker", "k8s")
    ours = kustomize(folder)
    kubectl = shutil.which("kubectl")
    if not kubectl:
        print("kubectl is not installed: built with this test's kustomize "
              "reader")
        return ours
    text = subprocess.run([kubectl, "kustomize", folder], check=True,
                          capture_output=True, text=True).stdout
    docs = [d for d in yaml.safe_load_all(text) if d]
    print("built with kubectl kustomize")
    # The reader must agree with kustomize where kubectl is missing.
    key = lambda d: (d["kind"], d["metadata"]["name"])
    check(sorted(map(key, docs)) == sorted(map(key, ours)) and
          all(d.get("data") == {key(o): o for o in ours}[key(d)].get("data")
              for d in docs if d["kind"] == "ConfigMap"),
          "kubectl kustomize and this test's reader build the same resources")
    return docs


def find(docs, kind, name):
    hits = [d for d in docs if d.get("kind") == kind
            and d.get("metadata", {}).get("name") == name]
    check(len(hits) == 1, "one %s %s" % (kind, name))
    return hits[0] if hits else {}


def has_resources(c):
    r = c.get("resources", {})
    return all(r.get(k, {}).get(x) for k in ("requests", "limits")
               for x in ("cpu", "memory"))


def grpc_probe(c, kind):
    return c.get(kind, {}).get("grpc", {}).get("port") == PORT


def env_of(c):
    return {e["name"]: e for e in c.get("env", [])}


def server_lines(value):
    return re.findall(r"server\s+([^;\s]+)\s+max_fails=0;", value)


# ------------------------------------------------------------- checks


def check_template():
    text = open(TEMPLATE).read()
    used = set(re.findall(r"\$\{(\w+)\}", text))
    check(used == PLACEHOLDERS, "template placeholders are exactly %s (found %s)"
          % (sorted(PLACEHOLDERS), sorted(used)))
    for pattern, what in [
            (r"hash\s+\$http_x_tensord_session\s+consistent;",
             "hash $http_x_tensord_session consistent"),
            (r"client_max_body_size\s+0;", "client_max_body_size 0"),
            (r"grpc_read_timeout\s+\d{4,}s;", "long grpc_read_timeout"),
            (r"grpc_send_timeout\s+\d{4,}s;", "long grpc_send_timeout"),
            (r"listen\s+\$\{TENSORD_LISTEN\}\s+http2;", "http2 listen"),
            (r"grpc_pass\s+grpc://tensord;", "grpc_pass to the hashed upstream"),
            (r"location\s+/\s*\{[^}]*\}[^}]*grpc_next_upstream\s+error\s+timeout;",
             "a call that reaches no replica moves on along the ring"),
            (r"error_page\s+502\s+503\s+504\s+=\s*@tensord_unavailable;",
             "502/503/504 go to @tensord_unavailable"),
            (r"add_header\s+grpc-status\s+14\s+always;", "grpc-status 14"),
            (r"add_header\s+grpc-message\s+\"[^\"]+\"\s+always;",
             "a grpc-message"),
            (r"default_type\s+application/grpc;", "content-type application/grpc")]:
        check(re.search(pattern, text) is not None, "template: " + what)
    return text


def check_k8s(docs, template_text):
    for d in docs:
        check(bool(d.get("apiVersion")) and bool(d.get("kind"))
              and bool(d.get("metadata", {}).get("name")),
              "%s %s has apiVersion, kind, name" % (
                  d.get("kind"), d.get("metadata", {}).get("name")))
    sts = find(docs, "StatefulSet", "tensord")
    spec = sts.get("spec", {})
    check(spec.get("replicas") == REPLICAS, "StatefulSet: 3 replicas")
    headless = find(docs, "Service", spec.get("serviceName", "?"))
    check(headless.get("spec", {}).get("clusterIP") == "None",
          "StatefulSet's serviceName is a headless Service")
    pod = spec.get("template", {}).get("spec", {})
    labels = spec.get("template", {}).get("metadata", {}).get("labels", {})
    check(spec.get("selector", {}).get("matchLabels", {}).items()
          <= labels.items(), "StatefulSet selector matches its pods")
    c = (pod.get("containers") or [{}])[0]
    args = c.get("args", [])
    env = env_of(c)
    check("--replica_id=$(POD_NAME)" in args and
          env.get("POD_NAME", {}).get("valueFrom", {}).get("fieldRef", {})
          .get("fieldPath") == "metadata.name",
          "tensord: --replica_id is the pod name")
    check("--session_store=" + STORE in args and
          not any(a.startswith("--snapshot_dir=") for a in args),
          "tensord: the replicas share the session store %s" % STORE)
    check(not spec.get("volumeClaimTemplates") and not c.get("volumeMounts"),
          "tensord: no volume of its own (the store holds the sessions)")
    store = find(docs, "StatefulSet", "tensord-store")
    sc = ((store.get("spec", {}).get("template", {}).get("spec", {})
           .get("containers")) or [{}])[0]
    store_svc = find(docs, "Service", "tensord-store")
    check(str(sc.get("image", "")).startswith("redis:") and
          "--appendonly" in sc.get("args", []) and
          any(p.get("port") == 6379 for p in
              store_svc.get("spec", {}).get("ports", [])) and
          store.get("spec", {}).get("volumeClaimTemplates"),
          "the store: Redis with an append-only file on a volume, Service "
          "tensord-store:6379")
    check(has_resources(sc) and bool(sc.get("readinessProbe")),
          "the store: requests, limits and a readiness probe")
    hpa = find(docs, "HorizontalPodAutoscaler", "tensord")
    hs = hpa.get("spec", {})
    check(hs.get("scaleTargetRef", {}).get("kind") == "StatefulSet" and
          hs.get("scaleTargetRef", {}).get("name") == "tensord" and
          hs.get("maxReplicas") == MAX_REPLICAS and
          2 <= hs.get("minReplicas", 0) <= REPLICAS,
          "an HPA scales the StatefulSet on CPU up to the %d replicas nginx "
          "knows" % MAX_REPLICAS)
    check(any(p.get("containerPort") == PORT for p in c.get("ports", [])),
          "tensord: container port 50051")
    check(grpc_probe(c, "livenessProbe") and grpc_probe(c, "readinessProbe"),
          "tensord: gRPC liveness and readiness probes on 50051")
    check(has_resources(c), "tensord: cpu/memory requests and limits")
    check(pod.get("securityContext", {}).get("runAsNonRoot") is True,
          "tensord: runAsNonRoot")
    http = [a.split("=", 1)[1] for a in args if a.startswith("--http_listen=")]
    http_port = int(http[0].rsplit(":", 1)[1]) if http else None
    check(http_port is not None and any(
        p.get("containerPort") == http_port and p.get("name") == "http"
        for p in c.get("ports", [])),
          "tensord: --http_listen with a container port named http")
    notes = spec.get("template", {}).get("metadata", {}).get("annotations", {})
    check(notes.get("prometheus.io/scrape") == "true" and
          notes.get("prometheus.io/port") == str(http_port) and
          notes.get("prometheus.io/path") == "/metrics",
          "tensord pods: Prometheus scrape annotations for /metrics")
    check(pod.get("enableServiceLinks") is False,
          "tensord pods: no service-link variables (TENSORD_* sets flags)")
    pdb = find(docs, "PodDisruptionBudget", "tensord")
    check(pdb.get("spec", {}).get("selector", {}).get("matchLabels", {})
          .items() <= labels.items() and
          (pdb["spec"].get("maxUnavailable") == 1 or
           pdb["spec"].get("minAvailable") == REPLICAS - 1),
          "a PodDisruptionBudget keeps all but one replica up")

    for i in range(MAX_REPLICAS):
        svc = find(docs, "Service", "tensord-%d" % i)
        sel = svc.get("spec", {}).get("selector", {})
        check(sel.get("statefulset.kubernetes.io/pod-name") == "tensord-%d" % i,
              "Service tensord-%d selects pod tensord-%d" % (i, i))

    cm = find(docs, "ConfigMap", "tensord-nginx-template")
    check(cm.get("data", {}).get("tensord.conf.template") == template_text,
          "ConfigMap holds docker/nginx/tensord.conf.template byte for byte")
    dep = find(docs, "Deployment", "tensord-nginx")
    dspec = dep.get("spec", {}).get("template", {}).get("spec", {})
    n = (dspec.get("containers") or [{}])[0]
    vols = {v["name"]: v for v in dspec.get("volumes", [])}
    nm = [m for m in n.get("volumeMounts", [])
          if vols.get(m["name"], {}).get("configMap", {}).get("name")
          == "tensord-nginx-template"]
    check(len(nm) == 1 and nm[0]["mountPath"] == "/etc/nginx/templates",
          "nginx mounts the ConfigMap at /etc/nginx/templates")
    nenv = {k: v.get("value") for k, v in env_of(n).items()}
    check(set(k for k in nenv if k.startswith("TENSORD_")) == PLACEHOLDERS,
          "nginx sets exactly the template's placeholders")
    check(nenv.get("NGINX_ENVSUBST_FILTER") == "^TENSORD_",
          "nginx's envsubst is limited to TENSORD_*")
    check(server_lines(nenv.get("TENSORD_UPSTREAM_SERVERS", "")) ==
          ["tensord-%d:%d" % (i, PORT) for i in range(MAX_REPLICAS)],
          "nginx upstreams: one per replica Service (%d), max_fails=0"
          % MAX_REPLICAS)
    check(nenv.get("TENSORD_LISTEN") == str(PORT) and
          any(p.get("containerPort") == PORT for p in n.get("ports", [])),
          "nginx listens on 50051")
    check(bool(n.get("readinessProbe")) and bool(n.get("livenessProbe")),
          "nginx: readiness and liveness probes")
    check(has_resources(n), "nginx: cpu/memory requests and limits")
    front = [d for d in docs if d.get("kind") == "Service" and
             d.get("spec", {}).get("selector", {}).items() <=
             dep.get("spec", {}).get("template", {}).get("metadata", {})
             .get("labels", {}).items() and d.get("spec", {}).get("selector")]
    check(len(front) == 1, "one Service in front of nginx")
    return c, pod


def check_compose(template_text):
    path = os.path.join(ROOT, "docker", "compose.yaml")
    comp = yaml.safe_load(open(path))
    services = comp.get("services", {})
    names = ["tensord-%d" % i for i in range(REPLICAS)]
    volumes = set()
    for name in names:
        s = services.get(name, {})
        cmd = s.get("command", [])
        check("--replica_id=%s" % name in cmd, "compose %s: --replica_id=%s"
              % (name, name))
        check("--session_store=redis://store:6379" in cmd,
              "compose %s: --session_store=redis://store:6379" % name)
        volumes |= {v.split(":")[0] for v in s.get("volumes", [])}
        build = s.get("build", {})
        check(os.path.isfile(os.path.join(ROOT, "docker", build.get("context", "?"),
                                          build.get("dockerfile", "?"))),
              "compose %s builds docker/Dockerfile" % name)
    check(not volumes, "compose: the replicas keep nothing on volumes %s"
          % sorted(volumes))
    store = services.get("store", {})
    check(str(store.get("image", "")).startswith("redis:") and
          "--appendonly" in store.get("command", []) and
          any(v.split(":")[0] in comp.get("volumes", {})
              for v in store.get("volumes", [])),
          "compose: the store is Redis with an append-only file on a volume")
    ng = services.get("nginx", {})
    mounts = [v.split(":") for v in ng.get("volumes", [])]
    check(any(os.path.realpath(os.path.join(ROOT, "docker", m[0])) ==
              os.path.realpath(TEMPLATE) and
              m[1].startswith("/etc/nginx/templates/") and
              m[1].endswith(".template") for m in mounts),
          "compose nginx mounts docker/nginx/tensord.conf.template")
    env = ng.get("environment", {})
    check(set(k for k in env if k.startswith("TENSORD_")) == PLACEHOLDERS,
          "compose nginx sets exactly the template's placeholders")
    check(env.get("NGINX_ENVSUBST_FILTER") == "^TENSORD_",
          "compose nginx: envsubst limited to TENSORD_*")
    check(server_lines(env.get("TENSORD_UPSTREAM_SERVERS", "")) ==
          ["%s:%d" % (n, PORT) for n in names],
          "compose nginx upstreams: the three replicas, max_fails=0")
    # The optional monitoring profile: Prometheus scrapes every replica's
    # /metrics on the image's HTTP port, and publishes on loopback only.
    prom = services.get("prometheus", {})
    check(prom.get("profiles") == ["monitoring"],
          "compose: Prometheus only with --profile monitoring")
    conf_mount = [v.split(":") for v in prom.get("volumes", [])]
    conf = {}
    if conf_mount:
        conf = yaml.safe_load(open(os.path.join(ROOT, "docker",
                                                conf_mount[0][0])))
    targets = [t for job in conf.get("scrape_configs", [])
               for sc in job.get("static_configs", [])
               for t in sc.get("targets", [])]
    check(targets == ["tensord-%d:8080" % i for i in range(REPLICAS)],
          "Prometheus scrapes each replica's /metrics on 8080 (%s)" % targets)
    check(all(str(p).startswith("127.0.0.1:") for p in prom.get("ports", [])),
          "Prometheus publishes on loopback only")
    services = {n: s for n, s in services.items() if not s.get("profiles")}
    published = [(n, p) for n, s in services.items() for p in s.get("ports", [])]
    check(published == [("nginx", "%d:%d" % (PORT, PORT))],
          "compose: one published port, nginx's 50051 (%s)" % published)


def check_dockerfile(k8s_container, k8s_pod):
    text = open(os.path.join(ROOT, "docker", "Dockerfile")).read()
    froms = re.findall(r"^FROM\s+(\S+)", text, re.M)
    check(froms == ["debian:bookworm", "debian:bookworm"],
          "Dockerfile: two stages on debian:bookworm")
    check("script/bootstrap build" in text and "script/build" in text,
          "Dockerfile: build stage runs script/bootstrap and script/build")
    uid = re.search(r"useradd[^\n]*--uid (\d+)", text)
    check(re.search(r"^USER\s+tensord\s*$", text, re.M) is not None and uid,
          "Dockerfile: runs as the non-root user tensord")
    check(uid is not None and int(uid.group(1)) ==
          k8s_pod.get("securityContext", {}).get("runAsUser"),
          "the StatefulSet runs as the image's uid")
    check(re.search(r"^EXPOSE\s+50051\s*$", text, re.M) is not None,
          "Dockerfile: EXPOSE 50051")
    check(re.search(r'^HEALTHCHECK\b.*\\\n\s*CMD \["tensorctl", '
                    r'"--server=127.0.0.1:50051", "health"\]', text, re.M)
          is not None, "Dockerfile: HEALTHCHECK through tensorctl health")
    check('"--listen=0.0.0.0:50051"' in text,
          "Dockerfile: tensord listens on 0.0.0.0:50051")
    check('"--http_listen=0.0.0.0:8080"' in text and
          re.search(r"^EXPOSE\s+8080\s*$", text, re.M) is not None,
          "Dockerfile: the HTTP listener on 8080, exposed")
    labels = re.findall(r"org\.opencontainers\.image\.(\w+)=", text)
    check({"title", "description", "version"} <= set(labels),
          "Dockerfile: OCI labels (%s)" % labels)
    check(os.access(os.path.join(ROOT, "docker", "runtime-packages.sh"),
                    os.X_OK), "docker/runtime-packages.sh is executable")


def main():
    template_text = check_template()
    try:
        docs = build_k8s()
    except (ValueError, OSError, yaml.YAMLError,
            subprocess.CalledProcessError) as e:
        print("FAIL: docker/k8s does not build: %s" % e)
        return 1
    print("%d resources: %s" % (len(docs), ", ".join(
        "%s/%s" % (d["kind"], d["metadata"]["name"]) for d in docs)))
    c, pod = check_k8s(docs, template_text)
    check_compose(template_text)
    check_dockerfile(c, pod)
    if failures:
        print("FAIL: %d checks" % len(failures))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
