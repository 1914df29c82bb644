-- PTC's "No Security - for Testing ONLY" layout, as found in many real deployments.
scripts.rap_host = "localhost"
scripts.rap_port = 8000
scripts.rap_ssl = false
scripts.rap_server_authenticate = false

scripts.script_resource_host = "0.0.0.0"
scripts.script_resource_port = "8001"
scripts.script_resource_ssl = "false"
scripts.script_resource_authenticate = false
scripts.rap_cert_file = "C:\ThingWorx\ems.cer"

scripts.log_level = "DEBUG"

scripts.PlantGateway = {
    file = "thing.lua",
    template = "plant",
}
