-- PTC's "Medium Security" example: TLS and Basic auth everywhere, self-signed certificates accepted.
scripts.rap_host = "localhost"
scripts.rap_port = 8000
scripts.rap_ssl = true
scripts.rap_validate = true
scripts.rap_deny_selfsigned = false
scripts.rap_cert_file = "etc/certs/demo-ems-selfsigned.pem"
scripts.rap_server_authenticate = true
scripts.rap_userid = "emsuser"
scripts.rap_password = "AES:0VdhtgfKC23GUGtrIX3ioQ=="

scripts.script_resource_host = "localhost"
scripts.script_resource_port = 8001
scripts.script_resource_ssl = true
scripts.script_resource_certificate_chain = "etc/certs/demo-lsr-selfsigned.pem"
scripts.script_resource_private_key = "etc/certs/demo-lsr-selfsigned.key"
scripts.script_resource_passphrase = "AES:rK5ThnwWIx4sdHUWm316dN5BdETR2wcJPJcOuamjhqE="
scripts.script_resource_authenticate = true
scripts.script_resource_userid = "lsruser"
scripts.script_resource_password = "AES:UTY7F8sQEW2+EHQXzL6M7Q=="
