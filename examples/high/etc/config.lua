-- Lua Script Resource configuration: PTC's "High Security" example, with DEMO certificates.
-- Every link uses TLS with CA-validated certificates and HTTP Basic authentication.

-- LSR -> EMS (the EMS REST server, config.json http_server)
scripts.rap_host = "localhost"
scripts.rap_port = 8000
scripts.rap_ssl = true
scripts.rap_validate = true
scripts.rap_deny_selfsigned = true
scripts.rap_cert_file = "etc/certs/demo-ca.pem"
scripts.rap_server_authenticate = true
scripts.rap_userid = "ems-lsr-link"
scripts.rap_password = "AES:p1M/dIRnBlGFgNxR2iHi2w=="
scripts.fingerprint_allowlist = "abb8560e393439019123b61c2543d424e7f8cefcea26fa40d32e70fee6391844"

-- EMS -> LSR (the LSR's own REST server)
scripts.script_resource_host = "localhost"
scripts.script_resource_port = 8001
scripts.script_resource_ssl = true
scripts.script_resource_certificate_chain = "etc/certs/demo-lsr.pem"
scripts.script_resource_private_key = "etc/certs/demo-lsr.key"
scripts.script_resource_passphrase = "AES:rK5ThnwWIx4sdHUWm316dN5BdETR2wcJPJcOuamjhqE="
scripts.script_resource_authenticate = true
scripts.script_resource_userid = "ems-callbacks"
scripts.script_resource_password = "AES:UTY7F8sQEW2+EHQXzL6M7Q=="
scripts.script_resource_enable_csrf_tokens = true

scripts.log_level = "WARN"
scripts.log_publish_directory = "/var/log/thingworx/lsr/"

scripts.GatewayThing = {
    file = "thing.lua",
    template = "gateway",
    scanRate = 60000,
}
