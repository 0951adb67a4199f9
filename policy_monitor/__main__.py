from policy_monitor.cli import main

main()
