# A stand-in for quay.io/keycloak/keycloak where no registry is reachable: the JRE base made here
# plus the Keycloak distribution zip, laid out like the official image (/opt/keycloak owned by
# uid 1000, group 0, group-writable; USER 1000; kc.sh as the entrypoint), so that
# docker/keycloak/Dockerfile builds on either unchanged. Built by build-local-base.sh, whose build
# context is the unpacked distribution (directory keycloak/).
ARG JRE_BASE=localhost/debian-jre17:bookworm
FROM ${JRE_BASE}

# The official image's user: uid 1000 in group root (gid 0), home /opt/keycloak.
RUN useradd --uid 1000 --gid 0 --no-create-home --home-dir /opt/keycloak --shell /sbin/nologin keycloak
COPY --chown=1000:0 keycloak/ /opt/keycloak/
# Group-writable as in the official image, so `kc.sh build` can rewrite lib/quarkus as USER 1000.
RUN chmod -R g+rwX /opt/keycloak

# C.UTF-8 rather than the official en_US.UTF-8: glibc has it built in, minbase has no locales.
ENV LANG=C.UTF-8 \
    KC_RUN_IN_CONTAINER=true
USER 1000
EXPOSE 8080 8443 9000
ENTRYPOINT ["/opt/keycloak/bin/kc.sh"]
